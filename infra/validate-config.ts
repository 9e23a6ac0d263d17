// The rules a stage config must meet before anything is synthesised; the stack calls this first, so a bad
// production config fails `cdk synth`, not a patient's payment.
import { FUNCTION_TIMEOUT_MARGIN_MS, FUNCTION_TIMEOUT_SECONDS, MAX_UPSTREAM_TIMEOUT_MS } from '../shared/limits.ts';
import type { StageConfig } from './config.ts';

const isOrigin = (value: string): boolean => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
};

const isHttpsUrl = (value: string): boolean => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};

/** Throws, listing every problem at once, when the config would deploy something unsafe or broken. */
export const validateStageConfig = (config: StageConfig): void => {
  const { stage } = config;
  const problems: string[] = [];
  const production = stage === 'production';

  if (config.corsOrigins.length === 0) problems.push('corsOrigins is empty');
  for (const origin of config.corsOrigins) {
    if (origin === '*') {
      if (production) problems.push('corsOrigins may not contain "*" in production');
    } else if (!isOrigin(origin)) {
      problems.push(`corsOrigins: "${origin}" is not an origin (scheme://host[:port], no path)`);
    } else if (production && !origin.startsWith('https://')) {
      problems.push(`corsOrigins: "${origin}" must be https in production`);
    }
  }

  if (config.etpay.returnOrigins.length === 0) problems.push('etpay.returnOrigins is empty');
  // The contract only accepts https return URLs, so an http origin here could never match one.
  for (const origin of config.etpay.returnOrigins) {
    if (!isOrigin(origin)) problems.push(`etpay.returnOrigins: "${origin}" is not an origin`);
    else if (!origin.startsWith('https://')) problems.push(`etpay.returnOrigins: "${origin}" must be https`);
  }

  const urls: [string, string | undefined][] = [
    ['skip.payApiUrl', config.skip.payApiUrl],
    ['skip.backendUrl', config.skip.backendUrl],
    ['skip.spotWidgetUrl', config.skip.spotWidgetUrl],
    ['etpay.apiUrl', config.etpay.apiUrl],
    ['etpay.paymentUrl', config.etpay.paymentUrl],
    ['etpay.webhookUrl', config.etpay.webhookUrl],
    ['alarms.pagerUrl', config.alarms.pagerUrl],
  ];
  for (const [name, url] of urls) {
    if (url !== undefined && !isHttpsUrl(url)) problems.push(`${name}: "${url}" is not an https URL`);
  }

  const { authorizer } = config;
  if (authorizer === undefined && production) {
    problems.push('production needs an authorizer: the clinic IdP (jwt issuer + audience) or the explicit cognito-user-pool opt-in');
  }
  if (authorizer?.kind === 'cognito-user-pool') {
    const names = (authorizer.clients ?? []).map((client) => client.name);
    if (new Set(names).size !== names.length) problems.push('authorizer.clients: two app clients share a name');
    for (const client of authorizer.clients ?? []) {
      if (!/^[\w+=,.@-]{1,128}$/.test(client.name)) problems.push(`authorizer.clients: "${client.name}" is not a valid app client name`);
      if (client.kind !== 'browser') continue;
      if (client.callbackUrls.length === 0) problems.push(`authorizer.clients: browser client "${client.name}" has no callbackUrls`);
      for (const url of [...client.callbackUrls, ...(client.logoutUrls ?? [])]) {
        const local = !production && /^http:\/\/localhost(:\d+)?\//.test(url);
        if (!isHttpsUrl(url) && !local) problems.push(`authorizer.clients: "${url}" must be https (http://localhost only in staging)`);
      }
    }
  }
  if (authorizer?.kind === 'jwt') {
    if (!isHttpsUrl(authorizer.issuer)) problems.push(`authorizer.issuer "${authorizer.issuer}" is not an https URL`);
    if (authorizer.audience.length === 0) problems.push('authorizer.audience is empty');
  }

  if (production && !config.alarms.actionsEnabled) problems.push('production alarms must have actions enabled');
  if (production && config.alarms.emails.length === 0 && config.alarms.pagerUrl === undefined) {
    problems.push('production alarms need at least one subscription (email or pager URL)');
  }
  const positive: [string, number][] = [
    ['throttle.rateLimit', config.throttle.rateLimit],
    ['throttle.burstLimit', config.throttle.burstLimit],
    ['alarms.upstreamFailureThreshold', config.alarms.upstreamFailureThreshold],
    ['alarms.api5xxThreshold', config.alarms.api5xxThreshold],
    ['alarms.latencyP99Ms', config.alarms.latencyP99Ms],
    ['upstreamTimeoutMs', config.upstreamTimeoutMs],
  ];
  for (const [name, value] of positive) {
    if (!(Number.isFinite(value) && value > 0)) problems.push(`${name} must be a positive number`);
  }
  // The function must outlive its provider deadline or it dies before it can answer with a contract error.
  if (config.upstreamTimeoutMs > MAX_UPSTREAM_TIMEOUT_MS || config.upstreamTimeoutMs + FUNCTION_TIMEOUT_MARGIN_MS > FUNCTION_TIMEOUT_SECONDS * 1_000) {
    problems.push(`upstreamTimeoutMs ${config.upstreamTimeoutMs} leaves no room under the ${FUNCTION_TIMEOUT_SECONDS} s function timeout (or exceeds the contract's 10 s)`);
  }

  if (problems.length > 0) {
    throw new Error(`Invalid ${stage} config:\n- ${problems.join('\n- ')}`);
  }
};

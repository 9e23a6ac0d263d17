// Credentials live in AWS Secrets Manager, one JSON secret per provider and stage. Each secret is fetched
// once per container, shared by concurrent requests (one fetch in flight, cold or refreshing), refreshed
// after 5 minutes, validated with zod and checked against the stage before anything is sent to a provider.
// A refresh that fails keeps the last good value for up to an hour (counted and logged), so a Secrets
// Manager outage does not take the service down with it.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { classifyDependencyError, dependencyClientConfig, guardAwsClient } from '../aws/dependency.ts';
import type { SecretName } from '../catalog.ts';
import { configurationError, isApiError, type ApiError } from '../errors.ts';
import { logger } from '../observability/logger.ts';
import { publishDependencyMetrics } from '../observability/metrics.ts';
import { MetricName } from '../observability/metric-names.ts';
import type { Stage } from './settings.ts';

export const SECRET_TTL_MS = 5 * 60 * 1000;
/** How old a last good value may be and still be served when its refresh fails. */
export const SECRET_STALE_LIMIT_MS = 60 * 60 * 1000;
/** After a failed refresh, requests serve the stale value at once for this long before one tries again. */
export const SECRET_RETRY_AFTER_MS = 30 * 1000;

const skipKey = (prefix: string) =>
  z.string().check(z.regex(new RegExp(`^${prefix}_(test|live)_\\S+$`), `must look like ${prefix}_test_… or ${prefix}_live_…`));
const nonEmpty = z.string().check(z.trim(), z.minLength(1));

const SECRET_SCHEMAS = {
  skip: z.object({
    SKIP_PUBLIC_KEY: skipKey('pk'),
    SKIPPAY_CLIENT_ID: skipKey('ci'),
    SKIPPAY_CLIENT_SECRET: skipKey('st'),
    // Only the notification route needs it; the others must not fail without it.
    SKIPPAY_WEBHOOK_SECRET: z.optional(nonEmpty),
  }),
  etpay: z.object({
    ETPAY_MERCHANT_CODE: nonEmpty,
    ETPAY_MERCHANT_API_TOKEN: nonEmpty,
  }),
};

export type SecretValues = { [K in SecretName]: z.output<(typeof SECRET_SCHEMAS)[K]> };

/** Staging (and local) run on test credentials only, production on live ones only: fail closed. */
const assertStage = (name: SecretName, value: Record<string, unknown>, stage: Stage): void => {
  if (name !== 'skip') return; // ETpay credentials carry no environment marker.
  const wanted = stage === 'production' ? '_live_' : '_test_';
  const wrong = ['SKIP_PUBLIC_KEY', 'SKIPPAY_CLIENT_ID', 'SKIPPAY_CLIENT_SECRET'].filter(
    (key) => !String(value[key]).includes(wanted),
  );
  if (wrong.length > 0) {
    throw configurationError(`secret ${name}: ${wrong.join(', ')} not ${wanted.slice(1, -1)} credentials for stage ${stage}`);
  }
};

let client: SecretsManagerClient | undefined;
// Built on first use, not at import; the SDK honours AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_REGION.
// Calls have a deadline and a transient failure is DEPENDENCY_UNAVAILABLE (shared/aws/dependency.ts).
const secretsClient = (): SecretsManagerClient =>
  (client ??= guardAwsClient(new SecretsManagerClient(dependencyClientConfig('secretsmanager')), 'secretsmanager'));

interface Entry {
  /** The last good value and when it was fetched. */
  value?: unknown;
  fetchedAt: number;
  /** The fetch in flight, shared by every request that needs it. */
  inFlight?: Promise<unknown>;
  /** No new fetch before this (epoch ms) after a failed refresh: the stale value is served meanwhile. */
  retryAfter: number;
}
const cache = new Map<string, Entry>();

const fetchSecret = async (name: SecretName, secretId: string, stage: Stage): Promise<unknown> => {
  let secretString: string | undefined;
  try {
    const output = await secretsClient().send(new GetSecretValueCommand({ SecretId: secretId }));
    secretString = output.SecretString;
  } catch (error) {
    // Transient (timeout, throttling, 5xx, network): DEPENDENCY_UNAVAILABLE. Missing, forbidden, or
    // undecryptable: the stage is misconfigured.
    const classified = classifyDependencyError('secretsmanager', error, 'GetSecretValue');
    if (isApiError(classified)) throw classified;
    const kind = error instanceof Error ? error.name : 'unknown';
    throw configurationError(`secret ${name}: GetSecretValue failed (${kind})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(secretString ?? '');
  } catch {
    throw configurationError(`secret ${name}: SecretString is not JSON`);
  }
  const parsed = SECRET_SCHEMAS[name].safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw configurationError(`secret ${name}: invalid ${[...new Set(fields)].join(', ')}`);
  }
  assertStage(name, parsed.data, stage);
  return parsed.data;
};

/** Any failure as a contract error: CONFIGURATION_ERROR or DEPENDENCY_UNAVAILABLE, as fetchSecret says. */
const asContractError = (name: SecretName, error: unknown): ApiError =>
  isApiError(error) ? error : configurationError(`secret ${name}: unexpected failure`, error);

const serveStale = (name: SecretName, entry: Entry, now: number): unknown => {
  publishDependencyMetrics('secretsmanager', [[MetricName.SecretServedStale, 'Count', 1]]);
  logger.warn('secret served stale', { credential_set: name, age_s: Math.round((now - entry.fetchedAt) / 1000) });
  return entry.value;
};

/**
 * The stage's secret, validated. Without a usable value, any failure is CONFIGURATION_ERROR (or
 * DEPENDENCY_UNAVAILABLE when Secrets Manager failed transiently) and the next request tries again.
 */
export const getSecret = async <N extends SecretName>(
  name: N,
  secretId: string,
  stage: Stage,
): Promise<SecretValues[N]> => {
  const key = `${name}\u0000${secretId}\u0000${stage}`;
  const now = Date.now();
  let entry = cache.get(key);
  if (!entry) {
    entry = { fetchedAt: 0, retryAfter: 0 };
    cache.set(key, entry);
  }
  const current = entry;
  const hasValue = current.value !== undefined;
  if (hasValue && now - current.fetchedAt < SECRET_TTL_MS) return current.value as SecretValues[N];
  const usableStale = hasValue && now - current.fetchedAt < SECRET_STALE_LIMIT_MS;
  // A refresh failed a moment ago: do not make every request wait for Secrets Manager again.
  if (usableStale && now < current.retryAfter && !current.inFlight) return serveStale(name, current, now) as SecretValues[N];

  if (!current.inFlight) {
    const fetching = fetchSecret(name, secretId, stage);
    current.inFlight = fetching;
    fetching.then(
      (value) => {
        Object.assign(current, { value, fetchedAt: Date.now(), retryAfter: 0, inFlight: undefined });
      },
      (error: unknown) => {
        current.inFlight = undefined;
        current.retryAfter = Date.now() + SECRET_RETRY_AFTER_MS;
        if (current.value !== undefined) {
          const { code, reason } = asContractError(name, error);
          logger.warn('secret refresh failed', { credential_set: name, code, reason, age_s: Math.round((Date.now() - current.fetchedAt) / 1000) });
        }
      },
    );
  }
  try {
    return (await current.inFlight) as SecretValues[N];
  } catch (error) {
    if (usableStale) return serveStale(name, current, Date.now()) as SecretValues[N];
    throw asContractError(name, error);
  }
};

/** Tests only: a new container's empty cache (and client, so a mock or endpoint change applies). */
export const resetSecretsCache = (): void => {
  cache.clear();
  client = undefined;
};

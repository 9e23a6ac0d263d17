// The floor the benchmark measures us against: what a careful engineer would hand-write for one route
// with no framework. Same work as ours (body guard, the same field rules, one cached GetSecretValue, the
// same provider call with fetch, the same state writes through the same DynamoDB client, the same
// response, the same one log line per request with the upstream metric), none of the machinery (middy,
// zod, our logger and redaction).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHash, randomUUID } from 'node:crypto';

export type Result = APIGatewayProxyStructuredResultV2;
export interface Detail {
  path: string;
  message: string;
}
export type Json = Record<string, unknown>;
/** A JSON object, or the contract error it ended in. */
export type Outcome = { ok: Json } | { status: number; code: string };

const MAX_BODY_BYTES = 16 * 1024;
const MAX_RESPONSE_BYTES = 1024 * 1024;
const JSON_CONTENT_TYPE = /^application\/json\s*(?:;.*)?$/i;

export const requestIdOf = (event: APIGatewayProxyEventV2, context: Context | undefined): string =>
  event.requestContext?.requestId || context?.awsRequestId || randomUUID();

export const respond = (statusCode: number, body: unknown, requestId: string): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': requestId },
  body: JSON.stringify(body),
});

export const fail = (statusCode: number, code: string, requestId: string, details?: Detail[], upstream?: string): Result =>
  respond(statusCode, { error: { code, message: code, ...(details ? { details } : {}), ...(upstream ? { upstream } : {}), request_id: requestId } }, requestId);

/** Content type, base64, 16 KiB: the body guard every POST route has. The body's exact bytes (what a signature covers). */
export const readBody = (event: APIGatewayProxyEventV2): { ok: Buffer } | { status: number; code: string } => {
  if (!JSON_CONTENT_TYPE.test(event.headers?.['content-type'] ?? '')) return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
  if (typeof event.body !== 'string') return { status: 400, code: 'INVALID_JSON' };
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.byteLength > MAX_BODY_BYTES) return { status: 413, code: 'PAYLOAD_TOO_LARGE' };
  return { ok: bytes };
};

/** The body guard, then JSON, and an object. */
export const readJsonObject = (event: APIGatewayProxyEventV2): Outcome => {
  const read = readBody(event);
  if (!('ok' in read)) return read;
  const bytes = read.ok;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { status: 400, code: 'INVALID_JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { status: 400, code: 'INVALID_JSON' };
  return { ok: value as Json };
};

// --- field rules: the same as shared/domain, hand-written -------------------------------------------

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const onlyKeys = (value: Json, allowed: ReadonlySet<string>, path: string, problems: Detail[]): void => {
  for (const key of Object.keys(value)) if (!allowed.has(key)) problems.push({ path: path ? `${path}.${key}` : key, message: 'unknown field' });
};

const RUT_DOTTED = /^([1-9]\d?)\.(\d{3})\.(\d{3})-([0-9Kk])$/;
const RUT_PLAIN = /^([1-9]\d{6,7})-?([0-9Kk])$/;

/** `[body, check digit]` of a valid RUT (modulo 11), or a problem. */
export const rut = (value: unknown, path: string, problems: Detail[]): [string, string] | undefined => {
  if (typeof value !== 'string') return void problems.push({ path, message: 'RUT must be a string' });
  const text = value.trim();
  const dotted = RUT_DOTTED.exec(text);
  const plain = dotted ? null : RUT_PLAIN.exec(text);
  const body = dotted ? `${dotted[1]}${dotted[2]}${dotted[3]}` : plain?.[1];
  const given = (dotted ? dotted[4] : plain?.[2])?.toUpperCase();
  if (body === undefined || given === undefined) return void problems.push({ path, message: 'invalid RUT format' });
  let sum = 0;
  for (let i = body.length - 1, weight = 2; i >= 0; i--, weight = weight === 7 ? 2 : weight + 1) sum += (body.charCodeAt(i) - 48) * weight;
  const digit = 11 - (sum % 11);
  const expected = digit === 11 ? '0' : digit === 10 ? 'K' : String(digit);
  if (given !== expected) return void problems.push({ path, message: 'invalid RUT check digit' });
  return [body, expected];
};

export const amount = (value: unknown, path: string, problems: Detail[]): number | undefined => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 999_999_999) {
    return void problems.push({ path, message: 'amount must be a whole number of CLP from 1 to 999999999' });
  }
  return value;
};

const FORBIDDEN = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Trimmed, NFC, well-formed, no control characters, min..max code points. */
export const text = (value: unknown, min: number, max: number, path: string, problems: Detail[]): string | undefined => {
  if (typeof value !== 'string') return void problems.push({ path, message: 'must be a string' });
  const normal = value.trim().normalize('NFC');
  if (!normal.isWellFormed() || FORBIDDEN.test(normal)) return void problems.push({ path, message: 'must be plain text' });
  const length = [...normal].length;
  if (length < min || length > max) return void problems.push({ path, message: `must be between ${min} and ${max} characters` });
  return normal;
};

// zod 4's email pattern, so that both accept the same addresses.
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export const email = (value: unknown, path: string, problems: Detail[]): string | undefined => {
  if (typeof value !== 'string') return void problems.push({ path, message: 'email must be a string' });
  const trimmed = value.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) return void problems.push({ path, message: 'invalid email address' });
  return trimmed;
};

const SEPARATORS = /[\s\-()]/g;
const NATIONAL = /^[2-9]\d{8}$/;

/** Any accepted Chilean form in, E.164 out. */
export const phone = (value: unknown, path: string, problems: Detail[]): string | undefined => {
  if (typeof value !== 'string') return void problems.push({ path, message: 'phone number must be a string' });
  const input = value.trim();
  const plus = input.startsWith('+');
  const digits = input.length > 32 || (plus && !input.startsWith('+56')) ? '' : (plus ? input.slice(1) : input).replace(SEPARATORS, '');
  const national = /^\d+$/.test(digits)
    ? digits.length === 11 && digits.startsWith('56')
      ? digits.slice(2)
      : digits.length === 9 && !plus
        ? digits
        : ''
    : '';
  if (!NATIONAL.test(national)) return void problems.push({ path, message: 'invalid Chilean phone number' });
  return `+56${national}`;
};

export const matches = (value: unknown, pattern: RegExp, path: string, problems: Detail[]): string | undefined => {
  if (typeof value !== 'string' || !pattern.test(value)) return void problems.push({ path, message: `must match ${pattern.source}` });
  return value;
};

export const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

// --- settings, secret, provider call ----------------------------------------------------------------

export class ConfigError extends Error {}

const settings = new Map<string, string>();
/** A setting from the environment, read once per container. */
export const env = (name: string): string => {
  let value = settings.get(name);
  if (value === undefined) {
    value = process.env[name];
    if (!value) throw new ConfigError(`${name} missing`);
    settings.set(name, value);
  }
  return value;
};

let timeout: number | undefined;
const timeoutMs = (): number => (timeout ??= Number(process.env.UPSTREAM_TIMEOUT_MS || 8000));

let client: SecretsManagerClient | undefined;
const secrets = new Map<string, Promise<Record<string, string>>>();

/** One GetSecretValue per secret per container; a failure is forgotten so the next request retries. */
export const secret = (secretId: string, required: readonly string[]): Promise<Record<string, string>> => {
  let cached = secrets.get(secretId);
  if (!cached) {
    cached = (client ??= new SecretsManagerClient({ maxAttempts: 2 }))
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((output) => {
        const value: unknown = JSON.parse(output.SecretString ?? '');
        if (!isObject(value) || required.some((key) => typeof value[key] !== 'string' || value[key] === '')) throw new ConfigError('bad secret');
        const stage = process.env.STAGE === 'production' ? '_live_' : '_test_';
        if (required.some((key) => /^(pk|ci|st)_/.test(String(value[key])) && !String(value[key]).includes(stage))) throw new ConfigError('wrong stage');
        return value as Record<string, string>;
      });
    const pending = cached;
    pending.catch(() => secrets.delete(secretId));
    secrets.set(secretId, pending);
  }
  return cached;
};

const once = async (url: URL, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Outcome & { retry?: boolean }> => {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body, redirect: 'manual', signal });
  } catch {
    return signal.aborted ? { status: 504, code: 'UPSTREAM_TIMEOUT' } : { status: 503, code: 'UPSTREAM_UNAVAILABLE', retry: true };
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel();
    const s = response.status;
    if (s === 401 || s === 403) return { status: 502, code: 'UPSTREAM_AUTH_FAILED' };
    if (s === 429 || s >= 500) return { status: 503, code: 'UPSTREAM_UNAVAILABLE', retry: s === 503 };
    return s >= 400 ? { status: 422, code: 'UPSTREAM_REJECTED' } : { status: 502, code: 'UPSTREAM_BAD_RESPONSE' };
  }
  try {
    const raw = await response.text();
    if (raw.length > MAX_RESPONSE_BYTES) return { status: 502, code: 'UPSTREAM_BAD_RESPONSE' };
    const json: unknown = JSON.parse(raw);
    return isObject(json) ? { ok: json } : { status: 502, code: 'UPSTREAM_BAD_RESPONSE' };
  } catch {
    return signal.aborted ? { status: 504, code: 'UPSTREAM_TIMEOUT' } : { status: 502, code: 'UPSTREAM_BAD_RESPONSE' };
  }
};

/** POST JSON with a deadline (the Lambda's remaining time less 500 ms), optionally one retry. */
export const postJson = async (
  provider: string,
  url: URL,
  body: unknown,
  headers: Record<string, string>,
  context: Context | undefined,
  retryOnce: boolean,
): Promise<Outcome> => {
  const started = performance.now();
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
  const signal = AbortSignal.timeout(Math.max(1, Math.min(timeoutMs(), remaining - 500)));
  const text = JSON.stringify(body);
  let outcome = await once(url, text, headers, signal);
  if ('retry' in outcome && outcome.retry && retryOnce && !signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    outcome = await once(url, text, headers, signal);
  }
  upstream = { provider, outcome: 'ok' in outcome ? 'ok' : outcome.code, ms: performance.now() - started };
  return outcome;
};

// --- the request's log line -------------------------------------------------------------------------
// The same observable output as ours, written the plainest way: one JSON line per request with the
// route, status and duration, and for a provider call its outcome and the EMF metric the alarms read.

let upstream: { provider: string; outcome: string; ms: number } | undefined;
/** The provider call the request made (set by postJson), read once the handler is done. */
const lastCall = () => upstream;

export const logged =
  (handle: (event: APIGatewayProxyEventV2, context: Context) => Promise<Result>) =>
  async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
    const started = performance.now();
    upstream = undefined;
    const result = await handle(event, context);
    const call = lastCall();
    const status = result.statusCode ?? 200;
    const line: Json = {
      level: status >= 500 ? 'ERROR' : 'INFO',
      message: 'request',
      timestamp: new Date().toISOString(),
      service: 'clinic-payments-api',
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      request_id: requestIdOf(event, context),
      stage: process.env.STAGE,
      route: event.routeKey,
      status,
      duration_ms: Math.round(performance.now() - started),
    };
    if (call) {
      const metric = call.outcome === 'ok' ? 'UpstreamSuccess' : call.outcome === 'UPSTREAM_REJECTED' ? 'UpstreamRejected' : 'UpstreamFailure';
      Object.assign(line, {
        provider: call.provider,
        upstream_outcome: call.outcome,
        upstream_ms: Math.round(call.ms),
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [{ Namespace: 'ClinicPaymentsApi', Dimensions: [['service', 'stage', 'provider']], Metrics: [{ Name: metric, Unit: 'Count' }, { Name: 'UpstreamLatency', Unit: 'Milliseconds' }] }],
        },
        [metric]: 1,
        UpstreamLatency: Math.round(call.ms),
      });
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return result;
  };

export const endpoint = (base: string, path: string): URL => new URL(path, base.endsWith('/') ? base : `${base}/`);

let dynamo: DynamoDBClient | undefined;
/** The payment-state table's client, built on first use; the SDK reads AWS_ENDPOINT_URL_DYNAMODB. */
export const dynamoClient = (): DynamoDBClient => (dynamo ??= new DynamoDBClient({ maxAttempts: 3 }));

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64');

/** JSON with object keys sorted, so equal bodies hash equally whatever their key order. */
export const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

/** The owner (`iss|client_id`, else azp, else sub) from HTTP API's JWT authorizer; '' without one. */
export const callerOf = (event: APIGatewayProxyEventV2): string => {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const claim = (name: string) => (typeof claims?.[name] === 'string' && claims[name] !== '' ? claims[name] : undefined);
  const application = claim('client_id') ?? claim('azp') ?? claim('sub');
  const issuer = claim('iss');
  return issuer !== undefined && application !== undefined ? `${issuer}|${application}` : '';
};

// Credentials live in AWS Secrets Manager, one JSON secret per provider and stage. Each secret is fetched
// once per container, shared by concurrent cold requests, refreshed at most every 5 minutes, validated
// with zod and checked against the stage before anything is sent to a provider.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import type { SecretName } from '../catalog.ts';
import { configurationError, isApiError } from '../errors.ts';
import type { Stage } from './settings.ts';

export const SECRET_TTL_MS = 5 * 60 * 1000;

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
const secretsClient = (): SecretsManagerClient =>
  (client ??= new SecretsManagerClient({ maxAttempts: 2 }));

interface Entry {
  promise: Promise<unknown>;
  fetchedAt: number;
}
const cache = new Map<string, Entry>();

const fetchSecret = async (name: SecretName, secretId: string, stage: Stage): Promise<unknown> => {
  let secretString: string | undefined;
  try {
    const output = await secretsClient().send(new GetSecretValueCommand({ SecretId: secretId }));
    secretString = output.SecretString;
  } catch (error) {
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

/**
 * The stage's secret, validated. Any failure is CONFIGURATION_ERROR and is not cached, so the next
 * request tries again.
 */
export const getSecret = async <N extends SecretName>(
  name: N,
  secretId: string,
  stage: Stage,
): Promise<SecretValues[N]> => {
  const key = `${name}\u0000${secretId}\u0000${stage}`;
  const now = Date.now();
  let entry = cache.get(key);
  if (!entry || now - entry.fetchedAt >= SECRET_TTL_MS) {
    const promise = fetchSecret(name, secretId, stage);
    entry = { promise, fetchedAt: now };
    cache.set(key, entry);
    promise.catch(() => {
      if (cache.get(key)?.promise === promise) cache.delete(key);
    });
  }
  try {
    return (await entry.promise) as SecretValues[N];
  } catch (error) {
    throw isApiError(error) ? error : configurationError(`secret ${name}: unexpected failure`, error);
  }
};

/** Tests only: a new container's empty cache (and client, so a mock or endpoint change applies). */
export const resetSecretsCache = (): void => {
  cache.clear();
  client = undefined;
};

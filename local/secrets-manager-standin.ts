// Just enough of AWS Secrets Manager (JSON 1.1 protocol, GetSecretValue) for the real SDK client pointed
// at it with AWS_ENDPOINT_URL_SECRETS_MANAGER, so the local run exercises the real secrets code path.
// Signatures are not checked: any dummy credentials do.
import { randomBytes, randomUUID } from 'node:crypto';
import { startAwsJsonStandIn } from './aws-json-standin.ts';

export interface SecretsManagerStandIn {
  endpoint: string;
  /** GetSecretValue requests answered so far, found or not (to assert on caching). */
  readonly calls: number;
  /** Adds or replaces a secret (a new VersionId), e.g. to test rotation or a malformed secret. */
  setSecret(id: string, value: string): void;
  close(): Promise<void>;
}

export interface SecretsManagerStandInOptions {
  port?: number;
  host?: string;
  /** Used in the ARNs; the SDK does not care. */
  region?: string;
}

interface StoredSecret {
  name: string;
  arn: string;
  value: string;
  versionId: string;
  createdDate: number;
}

const ACCOUNT_ID = '000000000000';

/** GetSecretValue's request is a few hundred bytes; anything near this is not one. */
const MAX_BODY_BYTES = 64 * 1024;

function secretIdOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'SecretId' in parsed && typeof parsed.SecretId === 'string') {
      return parsed.SecretId;
    }
  } catch {
    // answered as a validation error below
  }
  return undefined;
}

export async function startSecretsManagerStandIn(
  secrets: Record<string, string>,
  options: SecretsManagerStandInOptions = {},
): Promise<SecretsManagerStandIn> {
  const region = options.region ?? 'us-east-1';
  const host = options.host ?? '127.0.0.1';
  const store = new Map<string, StoredSecret>();
  let calls = 0;

  const setSecret = (name: string, value: string): void => {
    const existing = store.get(name);
    // Real ARNs end in a random 6-character suffix; code that builds ARNs from names should notice.
    const suffix = randomBytes(4).toString('hex').slice(0, 6);
    const arn = existing?.arn ?? `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${name}-${suffix}`;
    store.set(name, { name, arn, value, versionId: randomUUID(), createdDate: Date.now() / 1000 });
  };
  for (const [name, value] of Object.entries(secrets)) setSecret(name, value);

  // SecretId may be the name, the full ARN, or the ARN without its random suffix, as in AWS.
  const find = (id: string): StoredSecret | undefined =>
    store.get(id) ??
    [...store.values()].find(
      (secret) => secret.arn === id || (secret.arn.startsWith(`${id}-`) && id.endsWith(`:secret:${secret.name}`)),
    );

  const server = await startAwsJsonStandIn({
    target: 'secretsmanager.GetSecretValue',
    maxBodyBytes: MAX_BODY_BYTES,
    internalErrorType: 'InternalServiceError',
    port: options.port,
    host,
    handle: (body, reply) => {
      calls += 1;
      const secretId = secretIdOf(body);
      if (secretId === undefined) {
        reply.error(400, 'InvalidParameterException', 'SecretId is required');
        return;
      }
      const secret = find(secretId);
      if (secret === undefined) {
        reply.error(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return;
      }
      reply.ok({
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.value,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdDate,
      });
    },
  });

  return {
    endpoint: server.endpoint,
    get calls() {
      return calls;
    },
    setSecret,
    close: server.close,
  };
}

// Just enough of AWS Secrets Manager (JSON 1.1 protocol, GetSecretValue) for the real SDK client pointed
// at it with AWS_ENDPOINT_URL_SECRETS_MANAGER, so the local run exercises the real secrets code path.
// Signatures are not checked: any dummy credentials do.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { listen } from './listen.ts';

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

function send(res: ServerResponse, status: number, body: object, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': randomUUID(),
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  res.end(text);
}

function sendAwsError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { __type: type, message }, type);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

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

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || typeof target !== 'string') {
        sendAwsError(res, 400, 'UnknownOperationException', 'Expected an AWS JSON 1.1 request');
        return;
      }
      if (target !== 'secretsmanager.GetSecretValue') {
        sendAwsError(res, 400, 'UnknownOperationException', `The stand-in does not implement ${target}`);
        return;
      }
      calls += 1;
      const secretId = secretIdOf(body);
      if (secretId === undefined) {
        sendAwsError(res, 400, 'InvalidParameterException', 'SecretId is required');
        return;
      }
      const secret = find(secretId);
      if (secret === undefined) {
        sendAwsError(res, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return;
      }
      send(res, 200, {
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.value,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdDate,
      });
    })().catch((error: unknown) => {
      if (!res.headersSent) sendAwsError(res, 500, 'InternalServiceError', error instanceof Error ? error.message : 'failed');
    });
  });

  const port = await listen(server, options.port ?? 0, host);
  let closing: Promise<void> | undefined;

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    get calls() {
      return calls;
    },
    setSecret,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

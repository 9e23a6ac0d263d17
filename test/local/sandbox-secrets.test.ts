// The Secrets Manager stand-in against the real SDK client, as the local run uses it.
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSecretsManagerStandIn } from '../../local/secrets-manager-standin.ts';
import type { SecretsManagerStandIn } from '../../local/secrets-manager-standin.ts';
import { SANDBOX_ETPAY_SECRET, SANDBOX_SECRET_IDS, SANDBOX_SKIP_SECRET, sandboxSecrets } from '../../local/sandbox/credentials.ts';

const dummyCredentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
let standIn: SecretsManagerStandIn;
let client: SecretsManagerClient;

beforeAll(async () => {
  standIn = await startSecretsManagerStandIn(sandboxSecrets());
  client = new SecretsManagerClient({ endpoint: standIn.endpoint, region: 'us-east-1', credentials: dummyCredentials, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await standIn.close();
});

describe('Secrets Manager stand-in', () => {
  it('answers GetSecretValue with the sandbox secrets, by name and by ARN', async () => {
    const skip = await client.send(new GetSecretValueCommand({ SecretId: SANDBOX_SECRET_IDS.skip }));
    expect(JSON.parse(skip.SecretString ?? '')).toEqual(SANDBOX_SKIP_SECRET);
    expect(skip.Name).toBe(SANDBOX_SECRET_IDS.skip);
    expect(skip.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:\\d{12}:secret:${SANDBOX_SECRET_IDS.skip}-\\w{6}$`));
    expect(skip.VersionId).toMatch(/^[0-9a-f-]{36}$/);

    const byArn = await client.send(new GetSecretValueCommand({ SecretId: skip.ARN }));
    expect(byArn.SecretString).toBe(skip.SecretString);
    const byPartialArn = await client.send(new GetSecretValueCommand({ SecretId: skip.ARN?.slice(0, -7) }));
    expect(byPartialArn.Name).toBe(SANDBOX_SECRET_IDS.skip);

    const etpay = await client.send(new GetSecretValueCommand({ SecretId: SANDBOX_SECRET_IDS.etpay }));
    expect(JSON.parse(etpay.SecretString ?? '')).toEqual(SANDBOX_ETPAY_SECRET);
  });

  it('answers ResourceNotFoundException for an unknown secret, and counts the calls', async () => {
    const before = standIn.calls;
    const failure = client.send(new GetSecretValueCommand({ SecretId: 'clinic-payments/local/nope' }));
    await expect(failure).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(failure).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
    expect(standIn.calls).toBe(before + 1);
  });

  it('replaces a secret with a new version', async () => {
    const first = await client.send(new GetSecretValueCommand({ SecretId: SANDBOX_SECRET_IDS.etpay }));
    standIn.setSecret(SANDBOX_SECRET_IDS.etpay, '{"ETPAY_MERCHANT_CODE":"cl_other"}');
    const second = await client.send(new GetSecretValueCommand({ SecretId: SANDBOX_SECRET_IDS.etpay }));
    expect(second.SecretString).toBe('{"ETPAY_MERCHANT_CODE":"cl_other"}');
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(second.ARN).toBe(first.ARN);
    standIn.setSecret('added-later', 'x');
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'added-later' }))).SecretString).toBe('x');
  });

  it('is found through AWS_ENDPOINT_URL_SECRETS_MANAGER, as the functions configure it', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', standIn.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', dummyCredentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', dummyCredentials.secretAccessKey);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const fromEnvironment = new SecretsManagerClient({ maxAttempts: 1 });
    try {
      const skip = await fromEnvironment.send(new GetSecretValueCommand({ SecretId: SANDBOX_SECRET_IDS.skip }));
      expect(skip.Name).toBe(SANDBOX_SECRET_IDS.skip);
    } finally {
      fromEnvironment.destroy();
      vi.unstubAllEnvs();
    }
  });
});

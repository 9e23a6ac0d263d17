// Secrets Manager for handler tests: aws-sdk-client-mock answers GetSecretValue from a table.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

export const SKIP_TEST_SECRET = {
  SKIP_PUBLIC_KEY: 'pk_test_4f9d2c7a1b',
  SKIPPAY_CLIENT_ID: 'ci_test_8a7b6c5d4e',
  SKIPPAY_CLIENT_SECRET: 'st_test_S3cr3tV4lu3xyz',
  SKIPPAY_WEBHOOK_SECRET: 'whsec_test_9z8y7x6w5v',
};
export const SKIP_LIVE_SECRET = {
  SKIP_PUBLIC_KEY: 'pk_live_1a2b3c4d5e',
  SKIPPAY_CLIENT_ID: 'ci_live_5e4d3c2b1a',
  SKIPPAY_CLIENT_SECRET: 'st_live_L1v3S3cr3tabc',
};
export const ETPAY_TEST_SECRET = {
  ETPAY_MERCHANT_CODE: 'cl_demo_cl',
  ETPAY_MERCHANT_API_TOKEN: '4a005f0eca91cd9474cadce4e5fc6f91c64a608b48f7b4b31344f8b20e270079',
};

export const mockSecrets = (secrets: Record<string, unknown>) => {
  const mock = mockClient(SecretsManagerClient);
  const answer = (table: Record<string, unknown>): void => {
    mock.reset();
    mock.on(GetSecretValueCommand).callsFake((input: { SecretId?: string }) => {
      const value = table[input.SecretId ?? ''];
      if (value === undefined) {
        const error = new Error('Secrets Manager can not find the specified secret.');
        error.name = 'ResourceNotFoundException';
        throw error;
      }
      return { SecretString: typeof value === 'string' ? value : JSON.stringify(value) };
    });
  };
  answer(secrets);
  return { mock, answer };
};

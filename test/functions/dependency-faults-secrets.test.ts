// Secrets Manager hung or refusing (a real client over loopback, no mock): every route that reads a secret
// answers 503 DEPENDENCY_UNAVAILABLE within its deadline, far inside the 20 s Lambda timeout, without
// calling its provider. A forbidden or missing secret stays CONFIGURATION_ERROR (test/shared/config).
import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { DEPENDENCY_BUDGETS, FUNCTION_TIMEOUT_SECONDS } from '#shared/limits.ts';
import { useDeadEndpoints } from '../support/dead-endpoints.ts';
import { setEnvironment } from '../support/env.ts';
import { samplePatient } from '../support/fixtures.ts';
import { httpEvent, lambdaContext, type Handler } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { json, useProviderStub } from '../support/provider-stub.ts';

const output = captureOutput();
const dead = useDeadEndpoints();
const skippay = useProviderStub();
const skipBackend = useProviderStub();
const etpay = useProviderStub();
const LAMBDA_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS * 1_000;

const useSecretsManager = (endpoint: string): void => {
  setEnvironment({
    STAGE: 'local',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    // No route below may reach the table before its secret: a table nobody serves proves it.
    AWS_ENDPOINT_URL_DYNAMODB: dead.refused,
    PAYMENTS_TABLE: 'clinic-payments-test',
    SKIPPAY_API_URL: skippay.url,
    SKIP_BACKEND_URL: skipBackend.url,
    SPOT_WIDGET_URL: 'https://spot.example',
    SKIP_SECRET_ID: 'clinic-payments/local/skip',
    ETPAY_API_URL: etpay.url,
    ETPAY_SECRET_ID: 'clinic-payments/local/etpay',
    ETPAY_RETURN_ORIGINS: 'https://clinic.example',
  });
  skippay.answer(json(201, { hash: 'ord_x' }));
  skipBackend.answer(json(200, { token: 'wt_x', url: 'https://spot.example/?public_key=pk_test_x' }));
  etpay.answer(json(200, { token: 'tok_x', signature_token: 's'.repeat(32) }));
};

const patient = samplePatient;
const webhookBody = JSON.stringify({ id: 'evt_dead_secrets', type: 'order.paid', data: { hash: 'ord_x', status: 'paid' } });
const ROUTES: Record<string, { routeKey: string; body: string; headers?: Record<string, string> }> = {
  'create-order': { routeKey: 'POST /v1/orders', body: JSON.stringify({ total_amount: 50000, customer: patient }) },
  'create-widget-session': { routeKey: 'POST /v1/widget-sessions', body: JSON.stringify({ patient }) },
  'create-etpay-session': { routeKey: 'POST /v1/etpay/sessions', body: JSON.stringify({ merchant_order_id: 'OC-1', order_amount: 50000 }) },
  'receive-skippay-webhook': {
    routeKey: 'POST /v1/webhooks/skippay',
    body: webhookBody,
    // Whatever the signature: the secret to check it with cannot be read.
    headers: { 'x-gokeipay-signature': `sha256=${createHmac('sha256', 'unknown').update(webhookBody).digest('hex')}` },
  },
};

/** Every route at once, each in a new container (fresh modules: no cached secret, new clients). */
const callAll = async (remainingMs: number, limitMs: number) => {
  vi.resetModules();
  const answers = await Promise.all(
    Object.entries(ROUTES).map(async ([name, call]) => {
      const { handler } = (await import(`../../functions/${name}/handler.ts`)) as { handler: Handler };
      const started = performance.now();
      const result = await handler(httpEvent({ routeKey: call.routeKey, rawBody: call.body, headers: call.headers ?? {} }), lambdaContext(remainingMs));
      const elapsed = performance.now() - started;
      const body = JSON.parse(result.body ?? '{}') as { error?: { code?: string } };
      return [name, { status: result.statusCode, code: body.error?.code, withinDeadline: elapsed < limitMs }] as const;
    }),
  );
  return Object.fromEntries(answers);
};
const allUnavailable = Object.fromEntries(Object.keys(ROUTES).map((name) => [name, { status: 503, code: 'DEPENDENCY_UNAVAILABLE', withinDeadline: true }]));
const providerCalls = () => skippay.requests.length + skipBackend.requests.length + etpay.requests.length;

describe('Secrets Manager accepting connections and never answering', () => {
  it('every route with a secret → 503 DEPENDENCY_UNAVAILABLE within the Secrets Manager call budget, no provider called', async () => {
    useSecretsManager(dead.hung);
    const budget = DEPENDENCY_BUDGETS.secretsmanager.callTimeoutMs;
    expect(budget + 1_500).toBeLessThan(LAMBDA_TIMEOUT_MS / 4);
    expect(await callAll(LAMBDA_TIMEOUT_MS, budget + 1_500)).toEqual(allUnavailable);
    expect(dead.accepted).toBeGreaterThan(0);
    expect(providerCalls()).toBe(0);
  });

  it('with less time left in the invocation than the budget, the invocation\'s deadline wins', async () => {
    useSecretsManager(dead.hung);
    expect(await callAll(1_500, 1_500)).toEqual(allUnavailable);
  });
});

describe('Secrets Manager refusing connections', () => {
  it('every route with a secret → 503 DEPENDENCY_UNAVAILABLE, no provider called', async () => {
    useSecretsManager(dead.refused);
    expect(await callAll(LAMBDA_TIMEOUT_MS, DEPENDENCY_BUDGETS.secretsmanager.callTimeoutMs + 1_500)).toEqual(allUnavailable);
    expect(providerCalls()).toBe(0);
  });
});

describe('Secrets Manager failures: observability', () => {
  it('counted as DependencyUnavailable with dependency=secretsmanager, not as ConfigurationError', () => {
    const lines = output.lines().filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => 'DependencyUnavailable' in line)).toMatchObject({ dependency: 'secretsmanager', DependencyUnavailable: 1 });
    expect(lines.some((line) => 'ConfigurationError' in line)).toBe(false);
    const failed = lines.filter((line) => line.message === 'request failed');
    expect(failed).toHaveLength(12);
    for (const line of failed) expect(line).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', reason: expect.stringMatching(/^secretsmanager: GetSecretValue\w* failed/) });
  });
});

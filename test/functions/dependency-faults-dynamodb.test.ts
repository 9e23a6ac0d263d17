// DynamoDB hung or refusing: every route that touches the payments table answers 503
// DEPENDENCY_UNAVAILABLE within its deadline (the dependency's call budget, or the invocation's remaining
// time when that is shorter), far inside the 20 s Lambda timeout, and counts it per dependency.
import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEPENDENCY_BUDGETS, FUNCTION_TIMEOUT_SECONDS } from '#shared/limits.ts';
import { useDeadEndpoints } from '../support/dead-endpoints.ts';
import { setEnvironment } from '../support/env.ts';
import { sampleOrder, samplePatient } from '../support/fixtures.ts';
import { signResult } from '../support/etpay-jwt.ts';
import { httpEvent, lambdaContext, type Handler } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { json, useProviderStub } from '../support/provider-stub.ts';
import { ETPAY_TEST_SECRET, mockSecrets, SKIP_TEST_SECRET } from '../support/secrets.ts';

const output = captureOutput();
const dead = useDeadEndpoints();
mockSecrets({ skip: SKIP_TEST_SECRET, etpay: ETPAY_TEST_SECRET });
const skippay = useProviderStub();
const etpay = useProviderStub();
/** The functions' Lambda timeout. */
const LAMBDA_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS * 1_000;

const useDynamo = (endpoint: string): void => {
  setEnvironment({
    STAGE: 'local',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    PAYMENTS_TABLE: 'clinic-payments-test',
    SKIPPAY_API_URL: skippay.url,
    SKIP_BACKEND_URL: `${skippay.url}/api`,
    SPOT_WIDGET_URL: 'https://spot.getskip.ai',
    SKIP_SECRET_ID: 'skip',
    ETPAY_API_URL: etpay.url,
    ETPAY_SECRET_ID: 'etpay',
    ETPAY_RETURN_ORIGINS: 'https://clinic.example',
  });
};

/** Each scenario runs in new containers: fresh modules, so every client (Powertools' too) is built anew. */
const freshHandler = async (name: string): Promise<Handler> => {
  const module = (await import(`../../functions/${name}/handler.ts`)) as { handler: Handler };
  return module.handler;
};

const order = sampleOrder;

interface Call {
  function: string;
  routeKey: string;
  body?: () => Promise<string> | string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
}
const resultJwt = () => signResult({ session_token: 'sess_unknown', merchant_order_id: 'OC-1', order_amount: 50000, payment_status: 'success', payment_token: 'pay_1' }, 'x'.repeat(32));
const webhookBody = JSON.stringify({ id: 'evt_dead_dynamo', type: 'order.paid', data: { hash: 'ord_dead', status: 'paid' } });
const ROUTES: Record<string, Call> = {
  'create-order (Idempotency-Key)': { function: 'create-order', routeKey: 'POST /v1/orders', body: () => JSON.stringify(order), headers: { 'idempotency-key': `k-${Math.random()}` } },
  // The order_token must name one of the caller's orders: read before the secret or Skip.
  'create-widget-session': {
    function: 'create-widget-session',
    routeKey: 'POST /v1/widget-sessions',
    body: () => JSON.stringify({ order_token: 'ord_dead', patient: samplePatient }),
  },
  'create-etpay-session': { function: 'create-etpay-session', routeKey: 'POST /v1/etpay/sessions', body: () => JSON.stringify({ merchant_order_id: 'OC-1', order_amount: 50000 }) },
  'confirm-etpay-payment': { function: 'confirm-etpay-payment', routeKey: 'POST /v1/etpay/confirmations', body: async () => JSON.stringify({ jwt: await resultJwt() }) },
  'receive-etpay-notification': { function: 'receive-etpay-notification', routeKey: 'POST /v1/etpay/notifications', body: async () => JSON.stringify({ payment: await resultJwt() }) },
  'receive-skippay-webhook': {
    function: 'receive-skippay-webhook',
    routeKey: 'POST /v1/webhooks/skippay',
    body: () => webhookBody,
    headers: { 'x-gokeipay-signature': `sha256=${createHmac('sha256', SKIP_TEST_SECRET.SKIPPAY_WEBHOOK_SECRET).update(webhookBody).digest('hex')}` },
  },
  'get-payment-status': { function: 'get-payment-status', routeKey: 'GET /v1/payments/skippay/{order_token}', pathParameters: { order_token: 'ord_dead' } },
  'get-payment-status ?refresh=true': {
    function: 'get-payment-status',
    routeKey: 'GET /v1/payments/etpay/{merchant_order_id}',
    pathParameters: { merchant_order_id: 'OC-1' },
    queryStringParameters: { refresh: 'true' },
  },
  'list-payments': { function: 'list-payments', routeKey: 'GET /v1/payments', queryStringParameters: { provider: 'skippay', limit: '10' } },
};

/** Every route at once: its status, code and whether it answered within `limitMs`. */
const callAll = async (remainingMs: number, limitMs: number) => {
  vi.resetModules();
  const handlers = Object.fromEntries(await Promise.all(Object.entries(ROUTES).map(async ([name, call]) => [name, await freshHandler(call.function)] as const)));
  const answers = await Promise.all(
    Object.entries(ROUTES).map(async ([name, call]) => {
      const event = httpEvent({ routeKey: call.routeKey, headers: call.headers ?? {}, rawBody: call.body ? await call.body() : undefined });
      if (call.pathParameters) event.pathParameters = call.pathParameters;
      if (call.queryStringParameters) {
        event.queryStringParameters = call.queryStringParameters;
        event.rawQueryString = new URLSearchParams(call.queryStringParameters).toString();
      }
      const started = performance.now();
      const result = await handlers[name]!(event, lambdaContext(remainingMs));
      const elapsed = performance.now() - started;
      const body = JSON.parse(result.body ?? '{}') as { error?: { code?: string } };
      return [name, { status: result.statusCode, code: body.error?.code, withinDeadline: elapsed < limitMs }] as const;
    }),
  );
  return Object.fromEntries(answers);
};
const allUnavailable = Object.fromEntries(Object.keys(ROUTES).map((name) => [name, { status: 503, code: 'DEPENDENCY_UNAVAILABLE', withinDeadline: true }]));

beforeEach(() => {
  etpay.answer(json(200, { token: 'tok_dead', signature_token: 's'.repeat(32) }));
  skippay.answer(json(201, { hash: 'ord_dead', status: 'pending' }));
});

describe('DynamoDB accepting connections and never answering', () => {
  it('every table route → 503 DEPENDENCY_UNAVAILABLE within the DynamoDB call budget, well under the Lambda timeout', async () => {
    useDynamo(dead.hung);
    const budget = DEPENDENCY_BUDGETS.dynamodb.callTimeoutMs;
    // The budget plus room to answer; a fraction of the Lambda's 20 s.
    expect(budget + 1_500).toBeLessThan(LAMBDA_TIMEOUT_MS / 4);
    expect(await callAll(LAMBDA_TIMEOUT_MS, budget + 1_500)).toEqual(allUnavailable);
    expect(dead.accepted).toBeGreaterThan(0);
    // Order creation never reached SkipPay (the key's record comes first), nor widget minting Skip's backend
    // (the order's read comes first): both answer on this one stub.
    expect(skippay.requests).toHaveLength(0);
  });

  it('with less time left in the invocation than the budget, the invocation\'s deadline wins', async () => {
    useDynamo(dead.hung);
    // 1.5 s left: calls give up 500 ms before that, leaving time to answer.
    expect(await callAll(1_500, 1_500)).toEqual(allUnavailable);
  });
});

describe('DynamoDB refusing connections', () => {
  it('every table route → 503 DEPENDENCY_UNAVAILABLE after the SDK\'s retries', async () => {
    useDynamo(dead.refused);
    expect(await callAll(LAMBDA_TIMEOUT_MS, DEPENDENCY_BUDGETS.dynamodb.callTimeoutMs + 1_500)).toEqual(allUnavailable);
  });
});

describe('DynamoDB failures: observability', () => {
  it('each is counted as DependencyUnavailable with dimension dependency=dynamodb, and the request line says why', () => {
    const lines = output.lines().filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const metric = lines.find((line) => 'DependencyUnavailable' in line);
    expect(metric).toMatchObject({ service: 'clinic-payments-api', stage: 'local', dependency: 'dynamodb', DependencyUnavailable: 1 });
    expect((metric?._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics).toEqual([
      { Namespace: 'ClinicPaymentsApi', Dimensions: [['service', 'stage', 'dependency']], Metrics: [{ Name: 'DependencyUnavailable', Unit: 'Count' }] },
    ]);
    const failed = lines.filter((line) => line.message === 'request failed');
    expect(failed.length).toBeGreaterThanOrEqual(3 * Object.keys(ROUTES).length);
    for (const line of failed) expect(line).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', reason: expect.stringMatching(/^dynamodb: \w+ failed \(\w+\)$/) });
    expect(output.text()).not.toContain(samplePatient.email);
  });
});

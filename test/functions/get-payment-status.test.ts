import { createHmac, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { recordEtpaySession } from '#shared/etpay/session-store.ts';
import { handler as notificationHandler } from '../../functions/receive-etpay-notification/handler.ts';
import { handler as skippayWebhookHandler } from '../../functions/receive-skippay-webhook/handler.ts';
import { handler } from '../../functions/get-payment-status/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { signResult } from '../support/etpay-jwt.ts';
import { httpEvent, invoke, lambdaContext, type Answer } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { mockSecrets, SKIP_TEST_SECRET } from '../support/secrets.ts';
import { setEnvironment } from '../support/env.ts';

const output = captureOutput();
const table = usePaymentsTable();
mockSecrets({ 'skip-secret': SKIP_TEST_SECRET });

const ETPAY_ROUTE = 'GET /v1/payments/etpay/{merchant_order_id}';
const SKIPPAY_ROUTE = 'GET /v1/payments/skippay/{order_token}';

const getStatus = async (routeKey: string, pathParameters: Record<string, string>): Promise<Answer> => {
  const event = httpEvent({ routeKey, headers: {} });
  event.pathParameters = pathParameters;
  const result = await handler(event, lambdaContext());
  return { status: result.statusCode ?? 0, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') };
};

/** An ETpay session as create-etpay-session records it, and ETpay's notification of one payment in it. */
const etpayPayment = async (merchantOrderId: string) => {
  const session = { token: `sess${randomBytes(6).toString('hex')}`, signature_token: randomBytes(32).toString('hex') };
  await recordEtpaySession(table.name, {
    ...session,
    merchant_order_id: merchantOrderId,
    order_amount: 50000,
    created_at: new Date().toISOString(),
  });
  return async (payment_status: string) => {
    const jwt = await signResult(
      { session_token: session.token, merchant_order_id: merchantOrderId, order_amount: 50000, payment_status, payment_token: `pay_${randomBytes(6).toString('hex')}` },
      session.signature_token,
    );
    expect((await invoke(notificationHandler, { body: { payment: jwt } })).status).toBe(200);
  };
};

const skippayEvent = async (hash: string, type: string, status?: string) => {
  const raw = JSON.stringify({ id: `evt_${randomBytes(6).toString('hex')}`, type, data: { hash, ...(status ? { status } : {}) } });
  const signature = `sha256=${createHmac('sha256', SKIP_TEST_SECRET.SKIPPAY_WEBHOOK_SECRET).update(raw).digest('hex')}`;
  expect((await invoke(skippayWebhookHandler, { rawBody: raw, headers: { 'x-gokeipay-signature': signature } })).status).toBe(200);
};

beforeEach(() => {
  resetSecretsCache();
  setEnvironment({ STAGE: 'local', SKIP_SECRET_ID: 'skip-secret', PAYMENTS_TABLE: table.name });
});

describe('GET /v1/payments/etpay/{merchant_order_id}', () => {
  it('404 NOT_FOUND before any result is known', async () => {
    await etpayPayment('OC-NONE');
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-NONE' });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', request_id: res.headers['x-request-id'] });
  });

  it('200 with the latest state once ETpay has notified', async () => {
    const notify = await etpayPayment('OC-PAID-1');
    await notify('success');
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-PAID-1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ provider: 'etpay', id: 'OC-PAID-1', status: 'success', paid: true, updated_at: expect.any(String) });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('an unpaid result is replaced by a later one; a paid order stays paid', async () => {
    const notify = await etpayPayment('OC-RETRY-1');
    await notify('cancelled');
    expect((await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-RETRY-1' })).body).toMatchObject({ status: 'cancelled', paid: false });
    await notify('success');
    await notify('cancelled'); // a late, out-of-order result of an earlier attempt
    expect((await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-RETRY-1' })).body).toMatchObject({ status: 'success', paid: true });
  });
});

describe('GET /v1/payments/skippay/{order_token}', () => {
  it('404 for an order no webhook has mentioned', async () => {
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_never' })).status).toBe(404);
  });

  it('200 paid after order.paid', async () => {
    await skippayEvent('ord_status1', 'order.paid');
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_status1' })).body).toEqual({
      provider: 'skippay',
      id: 'ord_status1',
      status: 'paid',
      paid: true,
      updated_at: expect.any(String),
    });
  });

  it('an unknown event type with a status moves an unpaid order, never unpays it', async () => {
    await skippayEvent('ord_status2', 'order.created', 'pending');
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_status2' })).body).toMatchObject({ status: 'pending', paid: false });
    await skippayEvent('ord_status2', 'order.settled', 'paid');
    await skippayEvent('ord_status2', 'order.reminder_sent');
    await skippayEvent('ord_status2', 'order.created', 'pending');
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_status2' })).body).toMatchObject({ status: 'paid', paid: true });
  });

  it('ETpay and SkipPay ids live apart: the same id under the other provider is 404', async () => {
    await skippayEvent('OC-SHARED', 'order.paid');
    expect((await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-SHARED' })).status).toBe(404);
  });
});

describe('GET /v1/payments: input and configuration', () => {
  it.each([
    [SKIPPAY_ROUTE, { order_token: 'ord&x=1' }, 'path.order_token'],
    [ETPAY_ROUTE, { merchant_order_id: 'x'.repeat(65) }, 'path.merchant_order_id'],
  ])('%s with an invalid id → 400 VALIDATION_ERROR', async (route, params, path) => {
    const res = await getStatus(route, params);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path, message: expect.any(String) }]);
  });

  it('no path parameter at all → 404', async () => {
    expect((await getStatus(ETPAY_ROUTE, {})).status).toBe(404);
  });

  it.each([
    [ETPAY_ROUTE, { merchant_order_id: 'OC-1' }, 'etpay'],
    [SKIPPAY_ROUTE, { order_token: 'ord_1' }, 'skippay'],
  ])('%s without PAYMENTS_TABLE → 500 CONFIGURATION_ERROR counted under %s', async (route, params, provider) => {
    setEnvironment({ PAYMENTS_TABLE: undefined });
    const res = await getStatus(route, params);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    const emf = output.lines().filter((line) => line.includes('"ConfigurationError"'));
    expect(emf.at(-1)).toContain(`"provider":"${provider}"`);
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { addAttempt, openOrder } from '#shared/state/orders.ts';
import { handler as notificationHandler } from '../../functions/receive-etpay-notification/handler.ts';
import { handler as skippayWebhookHandler } from '../../functions/receive-skippay-webhook/handler.ts';
import { handler } from '../../functions/get-payment-status/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { signResult } from '../support/etpay-jwt.ts';
import { CLINIC_A, CLINIC_B, httpEvent, invoke, lambdaContext, ownerOfClaims, type Answer } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { mockSecrets, SKIP_TEST_SECRET } from '../support/secrets.ts';
import { setEnvironment } from '../support/env.ts';

const output = captureOutput();
const table = usePaymentsTable();
mockSecrets({ 'skip-secret': SKIP_TEST_SECRET });

const ETPAY_ROUTE = 'GET /v1/payments/etpay/{merchant_order_id}';
const SKIPPAY_ROUTE = 'GET /v1/payments/skippay/{order_token}';
const OWNER_A = ownerOfClaims(CLINIC_A);

const getStatus = async (
  routeKey: string,
  pathParameters: Record<string, string>,
  claims: Record<string, unknown> | null = CLINIC_A,
): Promise<Answer> => {
  const event = httpEvent({ routeKey, headers: {}, claims });
  event.pathParameters = pathParameters;
  const result = await handler(event, lambdaContext());
  return { status: result.statusCode ?? 0, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') };
};

/**
 * An ETpay order of clinic A with one session, as create-etpay-session records them (the session of
 * `sessionAmount`, which only a race or an older state could make differ), and ETpay's notifications of it.
 */
const etpayPayment = async (merchantOrderId: string, amounts: { order?: number; session?: number } = {}) => {
  const session = { token: `sess${randomBytes(6).toString('hex')}`, signature_token: randomBytes(32).toString('hex') };
  const orderAmount = amounts.order ?? 50000;
  const sessionAmount = amounts.session ?? orderAmount;
  const { order } = await openOrder(table.name, { owner: OWNER_A, provider: 'etpay', id: merchantOrderId, amount: orderAmount });
  await addAttempt(table.name, order, { provider: 'etpay', providerId: session.token, amount: sessionAmount, signatureToken: session.signature_token });
  return async (payment_status: string) => {
    const jwt = await signResult(
      { session_token: session.token, merchant_order_id: merchantOrderId, order_amount: sessionAmount, payment_status, payment_token: `pay_${randomBytes(6).toString('hex')}` },
      session.signature_token,
    );
    expect((await invoke(notificationHandler, { body: { payment: jwt } })).status).toBe(200);
  };
};

/** A SkipPay order of clinic A as create-order records it, and SkipPay's webhooks about it. */
const skippayOrder = async (hash: string, amount = 50000) => {
  const { order } = await openOrder(table.name, { owner: OWNER_A, provider: 'skippay', id: hash, amount, providerStatus: 'pending' });
  await addAttempt(table.name, order, { provider: 'skippay', providerId: hash, amount, providerStatus: 'pending' });
};

const skippayEvent = async (hash: string, type: string, status?: string, extra: Record<string, unknown> = {}) => {
  const raw = JSON.stringify({ id: `evt_${randomBytes(6).toString('hex')}`, type, data: { hash, ...(status ? { status } : {}), ...extra } });
  const signature = `sha256=${createHmac('sha256', SKIP_TEST_SECRET.SKIPPAY_WEBHOOK_SECRET).update(raw).digest('hex')}`;
  expect((await invoke(skippayWebhookHandler, { rawBody: raw, headers: { 'x-gokeipay-signature': signature }, claims: null })).status).toBe(200);
};

beforeEach(() => {
  resetSecretsCache();
  setEnvironment({ STAGE: 'local', SKIP_SECRET_ID: 'skip-secret', PAYMENTS_TABLE: table.name, SKIPPAY_API_URL: 'http://127.0.0.1:9/skippay', ETPAY_API_URL: 'http://127.0.0.1:9/etpay', ETPAY_SECRET_ID: 'etpay-secret' });
});

describe('GET /v1/payments/etpay/{merchant_order_id}', () => {
  it('200 pending, with its amount and attempt, before any result is known', async () => {
    await etpayPayment('OC-NONE');
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-NONE' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      provider: 'etpay',
      id: 'OC-NONE',
      status: 'pending',
      paid: false,
      amount: 50000,
      provider_status: null,
      attempts: 1,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('404 NOT_FOUND for an unknown order', async () => {
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-NEVER' });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', request_id: res.headers['x-request-id'] });
  });

  it("clinic B gets 404 for clinic A's order, exactly as for an unknown one", async () => {
    const notify = await etpayPayment('OC-A-ONLY');
    await notify('success');
    const theirs = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-A-ONLY' }, CLINIC_B);
    const unknown = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-UNKNOWN' }, CLINIC_B);
    expect(theirs.status).toBe(404);
    expect({ ...theirs.body.error, request_id: '' }).toEqual({ ...unknown.body.error, request_id: '' });
  });

  it('no verified claims → 401 UNAUTHORIZED from the handler itself', async () => {
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-A-ONLY' }, null);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('claims without an issuer are not an owner → 401', async () => {
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-A-ONLY' }, { client_id: 'clinic-a' });
    expect(res.status).toBe(401);
  });

  it('200 paid once ETpay notifies a success of the amount', async () => {
    const notify = await etpayPayment('OC-PAID-1');
    await notify('success');
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-PAID-1' });
    expect(res.body).toMatchObject({ status: 'paid', paid: true, provider_status: 'success', amount: 50000 });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a 1 CLP session paid on a 50 000 CLP order → needs_review, not paid, counted', async () => {
    const notify = await etpayPayment('ORD-1', { order: 50000, session: 1 });
    await notify('success');
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'ORD-1' });
    expect(res.body).toMatchObject({ status: 'needs_review', paid: false, amount: 50000 });
    expect(output.text()).toContain('"PaymentNeedsReview":1');
  });

  it('a failed attempt is replaced by a later one; a paid order stays paid', async () => {
    const notify = await etpayPayment('OC-RETRY-1');
    await notify('error');
    expect((await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-RETRY-1' })).body).toMatchObject({ status: 'failed', provider_status: 'error', paid: false });
    await notify('success');
    await notify('error'); // a late, out-of-order result
    expect((await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-RETRY-1' })).body).toMatchObject({ status: 'paid', paid: true });
  });
});

describe('GET /v1/payments/skippay/{order_token}', () => {
  it('404 for an order nobody created here, even after a webhook about it', async () => {
    await skippayEvent('ord_never', 'order.paid');
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_never' })).status).toBe(404);
  });

  it('pending from its creation on, paid after order.paid', async () => {
    await skippayOrder('ord_status1');
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_status1' })).body).toMatchObject({ status: 'pending', provider_status: 'pending', attempts: 1 });
    await skippayEvent('ord_status1', 'order.paid', undefined, { total_amount: '50000' });
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_status1' })).body).toMatchObject({
      provider: 'skippay',
      id: 'ord_status1',
      status: 'paid',
      paid: true,
      amount: 50000,
      provider_status: 'paid',
    });
  });

  it('a paid event of another total_amount → needs_review', async () => {
    await skippayOrder('ord_wrong', 50000);
    await skippayEvent('ord_wrong', 'order.paid', 'paid', { total_amount: '1' });
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_wrong' })).body).toMatchObject({ status: 'needs_review', paid: false });
  });

  it('an unknown event type with a status moves an unpaid order, never unpays it', async () => {
    await skippayOrder('ord_status2');
    await skippayEvent('ord_status2', 'order.created', 'pending');
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_status2' })).body).toMatchObject({ status: 'pending', paid: false });
    await skippayEvent('ord_status2', 'order.settled', 'paid', { total_amount: '50000' });
    await skippayEvent('ord_status2', 'order.reminder_sent');
    await skippayEvent('ord_status2', 'order.cancelled', 'cancelled');
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_status2' })).body).toMatchObject({ status: 'paid', paid: true });
  });

  it("clinic B gets 404 for clinic A's SkipPay order", async () => {
    await skippayOrder('ord_a_only');
    expect((await getStatus(SKIPPAY_ROUTE, { order_token: 'ord_a_only' }, CLINIC_B)).status).toBe(404);
  });

  it('ETpay and SkipPay ids live apart: the same id under the other provider is 404', async () => {
    await skippayOrder('OC-SHARED');
    expect((await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-SHARED' })).status).toBe(404);
  });
});

describe('GET /v1/payments: input and configuration', () => {
  it.each<{ route: string; params: Record<string, string>; path: string }>([
    { route: SKIPPAY_ROUTE, params: { order_token: 'ord&x=1' }, path: 'path.order_token' },
    { route: ETPAY_ROUTE, params: { merchant_order_id: 'x'.repeat(65) }, path: 'path.merchant_order_id' },
  ])('$route with an invalid id → 400 VALIDATION_ERROR at $path', async ({ route, params, path }) => {
    const res = await getStatus(route, params);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path, message: expect.any(String) }]);
  });

  it('no path parameter at all → 404', async () => {
    expect((await getStatus(ETPAY_ROUTE, {})).status).toBe(404);
  });

  it.each<{ route: string; params: Record<string, string>; provider: string }>([
    { route: ETPAY_ROUTE, params: { merchant_order_id: 'OC-1' }, provider: 'etpay' },
    { route: SKIPPAY_ROUTE, params: { order_token: 'ord_1' }, provider: 'skippay' },
  ])('$route without PAYMENTS_TABLE → 500 CONFIGURATION_ERROR counted under $provider', async ({ route, params, provider }) => {
    setEnvironment({ PAYMENTS_TABLE: undefined });
    const res = await getStatus(route, params);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    const emf = output.lines().filter((line) => line.includes('"ConfigurationError"'));
    expect(emf.at(-1)).toContain(`"provider":"${provider}"`);
  });
});

describe('results racing on one order', () => {
  it('a success and failures of the same order delivered at once: paid, once', async () => {
    const notify = await etpayPayment('OC-RACE-1');
    await Promise.all([notify('error'), notify('success'), notify('error'), notify('pending')]);
    const res = await getStatus(ETPAY_ROUTE, { merchant_order_id: 'OC-RACE-1' });
    expect(res.body).toMatchObject({ status: 'paid', paid: true, attempts: 1 });
  });
});

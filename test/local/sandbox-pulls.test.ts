// The sandbox's status pulls (ETpay check_payment_status, SkipPay GET /orders/{hash}), their fault values,
// and the control that settles a payment at the provider without notifying, driven both raw over HTTP and
// through the backend's own provider clients.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isApiError } from '#shared/errors.ts';
import { pullEtpaySessionStatus } from '#shared/providers/etpay-status.ts';
import { pullSkipPayOrderStatus } from '#shared/providers/skippay-status.ts';
import { FAULT_VALUES, SANDBOX_ETPAY_SECRET, SANDBOX_FAULTS, SANDBOX_SKIP_SECRET, startSandbox, type FaultValue, type Sandbox } from '../../local/sandbox/index.ts';
import { samplePatientCanonical } from '../support/fixtures.ts';
import { captureOutput } from '../support/logs.ts';

captureOutput(); // the provider clients' own log lines
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.requests.length = 0;
  sandbox.webhooks.length = 0;
});

const credentials = { merchant_code: SANDBOX_ETPAY_SECRET.ETPAY_MERCHANT_CODE, merchant_api_token: SANDBOX_ETPAY_SECRET.ETPAY_MERCHANT_API_TOKEN };
const skipAuth = { authorization: `Bearer ${SANDBOX_SKIP_SECRET.SKIPPAY_CLIENT_SECRET}` };
const customer = samplePatientCanonical;

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });

/** A fresh ETpay session whose result would be notified (payment_webhook_url set): the controls must not. */
const openSession = async (merchantOrderId = `OC-${Math.random().toString(36).slice(2, 8)}`) => {
  const res = await postJson(`${sandbox.etpayApiUrl}/session/initialize`, {
    ...credentials,
    merchant_order_id: merchantOrderId,
    order_amount: 50000,
    user_rut: '111111111',
    payment_webhook_url: 'http://127.0.0.1:9/v1/etpay/notifications',
  });
  expect(res.status).toBe(200);
  return { ...((await res.json()) as { token: string; signature_token: string }), merchantOrderId };
};
const createOrder = async (): Promise<string> => {
  const res = await postJson(`${sandbox.skippayApiUrl}/orders`, { reference: 'CLINIC-1', total_amount: '50000', customer }, skipAuth);
  expect(res.status).toBe(201);
  return ((await res.json()) as { hash: string }).hash;
};
const etpayPull = (body: Record<string, unknown>, signal?: AbortSignal) => postJson(`${sandbox.etpayApiUrl}/merchant/check_payment_status`, { ...credentials, ...body }, {}, signal);
const skipPull = (hash: string, headers: Record<string, string> = skipAuth, signal?: AbortSignal) =>
  fetch(`${sandbox.skippayApiUrl}/orders/${hash}`, { headers, signal });
const control = (path: string, body?: unknown) => fetch(`${sandbox.origin}/_control/${path}`, { method: 'POST', ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });

const connection = () => ({ timeoutMs: 2_000, deadline: Date.now() + 10_000 });
const etpay = () => ({ apiUrl: sandbox.etpayApiUrl, merchantCode: credentials.merchant_code, merchantApiToken: credentials.merchant_api_token, ...connection() });
const skippay = () => ({ apiUrl: sandbox.skippayApiUrl, clientSecret: SANDBOX_SKIP_SECRET.SKIPPAY_CLIENT_SECRET, ...connection() });

describe('ETpay check_payment_status in the sandbox', () => {
  it('an open session has no payment yet: []', async () => {
    const { token } = await openSession();
    const res = await etpayPull({ session_token: token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it('settled silently by the control: the pull reports success in ETpay`s shape, and nothing was notified', async () => {
    const { token, merchantOrderId } = await openSession();
    const settled = await control(`etpay/sessions/${token}/paid`);
    expect(settled.status).toBe(200);
    expect(await settled.json()).toEqual({ provider: 'etpay', id: token, status: 'success', amount: 50000, notified: false });
    const payments = (await (await etpayPull({ merchant_order_id: merchantOrderId })).json()) as Record<string, unknown>[];
    expect(payments).toEqual([
      expect.objectContaining({
        session_token: token,
        merchant_order_id: merchantOrderId,
        merchant_amount: 50000,
        merchant_currency: 'CLP',
        payment_status: 'success',
        user_rut: '111111111',
        payment_token: expect.any(String),
      }),
    ]);
    expect(sandbox.webhooks).toEqual([]);
    expect((await control(`etpay/sessions/${token}/paid`)).status).toBe(409);
  });

  it('the payment page and the pull agree on the payment_token; a cancelled session reads as `error`', async () => {
    const paid = await openSession();
    await fetch(`${sandbox.etpayPaymentUrl}/session/${paid.token}/pay`, { method: 'POST', redirect: 'manual' });
    const [notice] = sandbox.webhooks;
    const jwt = (JSON.parse(notice?.body ?? '{}') as { payment: string }).payment;
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { payment_token: string };
    const [payment] = (await (await etpayPull({ session_token: paid.token })).json()) as { payment_token: string }[];
    expect(payment?.payment_token).toBe(claims.payment_token);

    const cancelled = await openSession();
    await fetch(`${sandbox.etpayPaymentUrl}/session/${cancelled.token}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(await (await etpayPull({ session_token: cancelled.token })).json()).toEqual([expect.objectContaining({ payment_status: 'error' })]);
  });

  const refused = [
    { name: 'a wrong merchant_api_token', body: { session_token: 'x', merchant_api_token: 'nope' }, status: 401 },
    { name: 'no key to search by', body: {}, status: 400 },
  ];
  it.each(refused)('$name → $status', async ({ body, status }) => {
    expect((await etpayPull(body)).status).toBe(status);
  });
});

describe('SkipPay GET /orders/{hash} in the sandbox', () => {
  it('reads a created order as pending, then paid once settled silently, with no webhook', async () => {
    sandbox.setSkippayWebhook({ url: 'http://127.0.0.1:9/v1/webhooks/skippay', secret: 'x' });
    try {
      const hash = await createOrder();
      expect(await (await skipPull(hash)).json()).toEqual({ hash, reference: 'CLINIC-1', status: 'pending', total_amount: '50000' });
      expect((await control(`skippay/orders/${hash}/paid`)).status).toBe(200);
      expect(await (await skipPull(hash)).json()).toMatchObject({ hash, status: 'paid', total_amount: '50000' });
      expect(sandbox.webhooks).toEqual([]);
    } finally {
      sandbox.setSkippayWebhook(undefined);
    }
  });

  /** `hash` absent: a freshly created order. */
  const refused: { name: string; hash?: string; headers: Record<string, string>; status: number }[] = [
    { name: 'an unknown order', hash: 'ord_nope', headers: skipAuth, status: 404 },
    { name: 'no client secret', headers: {}, status: 401 },
    { name: 'a live client secret', headers: { authorization: 'Bearer st_live_x' }, status: 401 },
  ];
  it.each(refused)('$name → $status', async ({ hash, headers, status }) => {
    expect((await skipPull(hash ?? (await createOrder()), headers)).status).toBe(status);
  });
});

describe('the control', () => {
  const refused: { name: string; path: string; body?: unknown; status: number }[] = [
    { name: 'an unknown session', path: 'etpay/sessions/nope/paid', status: 404 },
    { name: 'an unknown order', path: 'skippay/orders/nope/failed', status: 404 },
    { name: 'an unknown action', path: 'skippay/orders/x/refund', status: 404 },
    { name: 'a bad amount', path: 'etpay/sessions/x/paid', body: { amount: -1 }, status: 400 },
    { name: 'an unknown fault', path: 'etpay/sessions/x/pull-fault', body: { fault: 'FAULT-999' }, status: 400 },
  ];
  it.each(refused)('$name → $status', async ({ path, body, status }) => {
    expect((await control(path, body)).status).toBe(status);
  });

  it('settles at another amount (what a needs_review test needs) and as failed', async () => {
    const { token } = await openSession();
    expect(sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid', { amount: 1000 })).toMatchObject({ ok: true, amount: 1000 });
    expect(await pullEtpaySessionStatus(token, etpay())).toMatchObject({ outcome: 'paid', amount: 1000 });
    const hash = await createOrder();
    expect((await control(`skippay/orders/${hash}/failed`)).status).toBe(200);
    expect(await pullSkipPayOrderStatus(hash, skippay())).toEqual({ outcome: 'failed', provider_status: 'cancelled' });
  });

  it('arms a fault on one payment`s pulls, and clears it', async () => {
    const hash = await createOrder();
    const { token } = await openSession();
    expect((await control(`skippay/orders/${hash}/pull-fault`, { fault: 'FAULT-503' })).status).toBe(200);
    sandbox.control.setPullFault({ provider: 'etpay', session_token: token }, 'FAULT-401');
    expect((await skipPull(hash)).status).toBe(503);
    expect((await etpayPull({ session_token: token })).status).toBe(401);
    expect((await control(`skippay/orders/${hash}/pull-fault`, { fault: null })).status).toBe(200);
    sandbox.control.setPullFault({ provider: 'etpay', session_token: token }, undefined);
    expect((await skipPull(hash)).status).toBe(200);
    expect((await etpayPull({ session_token: token })).status).toBe(200);
  });
});

describe('through the backend`s provider clients', () => {
  it('a session and an order settled silently read as paid at their amount', async () => {
    const { token } = await openSession();
    const hash = await createOrder();
    expect(await pullEtpaySessionStatus(token, etpay())).toEqual({ outcome: 'pending' });
    expect(await pullSkipPayOrderStatus(hash, skippay())).toEqual({ outcome: 'pending', provider_status: 'pending' });
    sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    expect(await pullEtpaySessionStatus(token, etpay())).toMatchObject({ outcome: 'paid', amount: 50000, provider_status: 'success' });
    expect(await pullSkipPayOrderStatus(hash, skippay())).toEqual({ outcome: 'paid', amount: 50000, provider_status: 'paid' });
  });

  // The same fault values as every other sandbox API, and the same contract answers (README table).
  const faults = FAULT_VALUES.flatMap((fault) => (['etpay', 'skippay'] as const).map((provider): { provider: typeof provider; fault: FaultValue } => ({ provider, fault })));
  it.each(faults)('$provider pull answers $fault with the documented outcome', async ({ provider, fault }) => {
    const call = provider === 'etpay' ? pullEtpaySessionStatus(fault, { ...etpay(), timeoutMs: 300 }) : pullSkipPayOrderStatus(fault, { ...skippay(), timeoutMs: 300 });
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isApiError(error) ? { code: error.code, upstream: error.upstream } : error).toEqual({ code: SANDBOX_FAULTS[fault].apiOutcome.code, upstream: provider });
  });
});

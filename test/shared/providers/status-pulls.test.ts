// The two status pulls against a real HTTP server on loopback: what each provider receives, what comes
// back (in our words), and how faults end. The full fault table of the one provider client is owned by
// test/shared/providers/http-client.test.ts; here, each pull's own policy through the faults (a GET, the
// one retry a read may take, the upstream it names, its schema).
import { describe, expect, it } from 'vitest';
import { isApiError, type ApiError } from '#shared/errors.ts';
import { checkEtpayPaymentStatus, pullEtpaySessionStatus } from '#shared/providers/etpay-status.ts';
import { getSkipPayOrder, pullSkipPayOrderStatus } from '#shared/providers/skippay-status.ts';
import { captureOutput } from '../../support/logs.ts';
import { json, refusedUrl, useProviderStub, type StubAnswer } from '../../support/provider-stub.ts';

const output = captureOutput();
const provider = useProviderStub();

const etpay = (overrides: { apiUrl?: string; timeoutMs?: number } = {}) => ({
  apiUrl: overrides.apiUrl ?? `${provider.url}/etpay/`,
  merchantCode: 'cl_demo_cl',
  merchantApiToken: 'mtok_4a005f0eca91',
  timeoutMs: overrides.timeoutMs ?? 1_500,
  deadline: Date.now() + 10_000,
});
const skippay = (overrides: { apiUrl?: string } = {}) => ({
  apiUrl: overrides.apiUrl ?? `${provider.url}/skippay`,
  clientSecret: 'st_test_S3cr3tV4lu3xyz',
  timeoutMs: 1_500,
  deadline: Date.now() + 10_000,
});

const etpayPayment = {
  payment_token: 'pay_1',
  session_token: 'sess_1',
  merchant_order_id: 'OC-700104',
  merchant_amount: 50000,
  merchant_currency: 'CLP',
  user_bank: 'cl_santander',
  user_rut: '111111111',
  user_account: '000123456789',
  payment_status: 'success',
  payment_date: '2026-12-02T12:00:00Z',
  validationWeb: true,
  validationMail: false,
  reason: null,
  code: 0,
  confirmated_at: '2026-12-02T12:00:05Z',
};

/** The contract error a call ended in. */
const failureOf = async (call: Promise<unknown>): Promise<ApiError> => {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isApiError(error)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
};
const codeOf = async (call: Promise<unknown>): Promise<{ code: string; upstream: string | undefined }> => {
  const { code, upstream } = await failureOf(call);
  return { code, upstream };
};

describe('ETpay check_payment_status', () => {
  it('POSTs the merchant credentials and the query as JSON to /merchant/check_payment_status', async () => {
    provider.answer(json(200, [etpayPayment]));
    await checkEtpayPaymentStatus({ session_token: 'sess_1' }, etpay());
    expect(provider.requests).toHaveLength(1);
    const [request] = provider.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/etpay/merchant/check_payment_status');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual({ merchant_code: 'cl_demo_cl', merchant_api_token: 'mtok_4a005f0eca91', session_token: 'sess_1' });
  });

  it('reads the array and drops the personal data (user_rut, user_account, user_bank)', async () => {
    provider.answer(json(200, [etpayPayment, { ...etpayPayment, session_token: 'sess_2', payment_status: 'error', merchant_amount: '50000' }]));
    const payments = await checkEtpayPaymentStatus({ merchant_order_id: 'OC-700104' }, etpay());
    expect(payments).toEqual([
      {
        payment_token: 'pay_1',
        session_token: 'sess_1',
        merchant_order_id: 'OC-700104',
        merchant_amount: 50000,
        merchant_currency: 'CLP',
        payment_status: 'success',
        payment_date: '2026-12-02T12:00:00Z',
      },
      expect.objectContaining({ session_token: 'sess_2', payment_status: 'error', merchant_amount: 50000 }),
    ]);
    expect(JSON.stringify(payments)).not.toMatch(/111111111|000123456789|cl_santander/);
  });

  it('reads a lone object as one payment, and an unreadable amount as unknown', async () => {
    provider.answer(json(200, { ...etpayPayment, merchant_amount: '50.000,5' }));
    const payments = await checkEtpayPaymentStatus({ payment_token: 'pay_1' }, etpay());
    expect(payments).toHaveLength(1);
    expect(payments[0]?.merchant_amount).toBeUndefined();
  });

  it('pullEtpaySessionStatus: the session in our words, its payment_token kept', async () => {
    provider.answer(json(200, [{ ...etpayPayment, session_token: 'sess_other', merchant_amount: 1 }, etpayPayment]));
    expect(await pullEtpaySessionStatus('sess_1', etpay())).toEqual({
      outcome: 'paid',
      amount: 50000,
      provider_status: 'success',
      payment_token: 'pay_1',
    });
    expect(provider.requests[0]?.json).toMatchObject({ session_token: 'sess_1' });
  });

  it('an empty answer is a session without a payment yet: pending', async () => {
    provider.answer(json(200, []));
    expect(await pullEtpaySessionStatus('sess_1', etpay())).toEqual({ outcome: 'pending' });
  });
});

describe('SkipPay GET /orders/{hash}', () => {
  it('GETs the order with the client secret as bearer, no body, and reads it', async () => {
    provider.answer(json(200, { hash: 'ord_abc123', reference: 'CLINIC-1', status: 'paid', total_amount: '50000' }));
    const order = await getSkipPayOrder('ord_abc123', skippay());
    expect(order).toEqual({ hash: 'ord_abc123', reference: 'CLINIC-1', status: 'paid', total_amount: 50000 });
    const [request] = provider.requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/skippay/orders/ord_abc123');
    expect(request?.headers.authorization).toBe('Bearer st_test_S3cr3tV4lu3xyz');
    expect(request?.headers['content-type']).toBeUndefined();
    expect(request?.body).toBe('');
  });

  it('reads the same order inside `data`, and drops customer data', async () => {
    provider.answer(json(200, { data: { hash: 'ord_abc123', status: 'pending', customer: { rut: '12345678-5' } } }));
    const order = await getSkipPayOrder('ord_abc123', skippay());
    expect(order).toEqual({ hash: 'ord_abc123', status: 'pending' });
  });

  it('pullSkipPayOrderStatus: the order in our words', async () => {
    provider.answer(json(200, { hash: 'ord_abc123', status: 'paid', total_amount: '50000' }));
    expect(await pullSkipPayOrderStatus('ord_abc123', skippay())).toEqual({ outcome: 'paid', amount: 50000, provider_status: 'paid' });
  });

  it('an answer about another order is UPSTREAM_BAD_RESPONSE', async () => {
    provider.answer(json(200, { hash: 'ord_other', status: 'paid', total_amount: '50000' }));
    expect(await codeOf(getSkipPayOrder('ord_abc123', skippay()))).toEqual({ code: 'UPSTREAM_BAD_RESPONSE', upstream: 'skippay' });
  });

  const notTokens = [
    { name: 'a path that climbs', token: '../admin' },
    { name: 'a space', token: 'ord abc' },
    { name: 'nothing', token: '' },
    { name: '257 characters', token: 'a'.repeat(257) },
  ];
  it.each(notTokens)('$name → refused as a path segment, calling nobody', async ({ token }) => {
    expect(await codeOf(getSkipPayOrder(token, skippay()))).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(provider.requests).toHaveLength(0);
  });
});

type Pull = 'etpay' | 'skippay';
const pulls: Record<Pull, () => Promise<unknown>> = {
  etpay: () => checkEtpayPaymentStatus({ session_token: 'sess_1' }, etpay()),
  skippay: () => getSkipPayOrder('ord_abc123', skippay()),
};
const ok: Record<Pull, StubAnswer> = {
  etpay: json(200, [etpayPayment]),
  skippay: json(200, { hash: 'ord_abc123', status: 'pending' }),
};

interface PullFault {
  name: string;
  answers: StubAnswer[];
  status: number;
  /** `ok`: the pull answered (after its retry). */
  code: string;
  requests: number;
}

describe.each<Pull>(['etpay', 'skippay'])('%s pull: faults, and the one retry a read may take', (pull) => {
  const faults: PullFault[] = [
    { name: '503 then an answer: retried once', answers: [json(503, {}), ok[pull]], status: 200, code: 'ok', requests: 2 },
    { name: '503 twice', answers: [json(503, {})], status: 503, code: 'UPSTREAM_UNAVAILABLE', requests: 2 },
    { name: 'destroyed, then an answer: retried once', answers: [{ kind: 'destroy' }, ok[pull]], status: 200, code: 'ok', requests: 2 },
    { name: '500: not retried', answers: [json(500, {})], status: 503, code: 'UPSTREAM_UNAVAILABLE', requests: 1 },
    { name: '429: not retried', answers: [json(429, {})], status: 503, code: 'UPSTREAM_UNAVAILABLE', requests: 1 },
    { name: '401', answers: [json(401, {})], status: 502, code: 'UPSTREAM_AUTH_FAILED', requests: 1 },
    { name: '404 (unknown to the provider)', answers: [json(404, {})], status: 422, code: 'UPSTREAM_REJECTED', requests: 1 },
    { name: 'no answer before the deadline', answers: [{ kind: 'hang' }], status: 504, code: 'UPSTREAM_TIMEOUT', requests: 1 },
    { name: 'not JSON', answers: [{ kind: 'raw', status: 200, body: '<html>' }], status: 502, code: 'UPSTREAM_BAD_RESPONSE', requests: 1 },
    {
      name: 'no status',
      answers: [json(200, pull === 'etpay' ? [{ session_token: 'sess_1' }] : { hash: 'ord_abc123' })],
      status: 502,
      code: 'UPSTREAM_BAD_RESPONSE',
      requests: 1,
    },
    { name: 'over 1 MiB', answers: [{ kind: 'stream', status: 200, bytes: 2 * 1024 * 1024 }], status: 502, code: 'UPSTREAM_BAD_RESPONSE', requests: 1 },
  ];
  it.each(faults)('$name → $status $code, $requests request(s)', async ({ answers, status, code, requests }) => {
    provider.answer(...answers);
    if (code === 'ok') await pulls[pull]();
    else {
      const failure = await failureOf(pulls[pull]());
      expect({ status: failure.status, code: failure.code, upstream: failure.upstream }).toEqual({ status, code, upstream: pull });
    }
    expect(provider.requests).toHaveLength(requests);
  });

  it('connection refused → UPSTREAM_UNAVAILABLE after one retry', async () => {
    const url = await refusedUrl();
    const call =
      pull === 'etpay' ? checkEtpayPaymentStatus({ session_token: 's' }, etpay({ apiUrl: url })) : getSkipPayOrder('ord_x', skippay({ apiUrl: url }));
    expect(await codeOf(call)).toEqual({ code: 'UPSTREAM_UNAVAILABLE', upstream: pull });
  });
});

describe('pull observability', () => {
  it('outside a request, each pull writes its own line with its operation and EMF metrics, without credentials', async () => {
    const before = output.mark();
    provider.answer(json(200, { hash: 'ord_abc123', status: 'pending' }));
    await getSkipPayOrder('ord_abc123', skippay());
    provider.answer(json(503, {}));
    await codeOf(checkEtpayPaymentStatus({ session_token: 'sess_1' }, etpay()));
    const lines = output.linesSince(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ provider: 'skippay', UpstreamSuccess: 1 }));
    expect(lines).toContainEqual(expect.objectContaining({ message: 'upstream call', upstream_operation: 'get-order', upstream_outcome: 'ok' }));
    expect(lines).toContainEqual(expect.objectContaining({ provider: 'etpay', UpstreamFailure: 1 }));
    expect(lines).toContainEqual(
      expect.objectContaining({ upstream_operation: 'check-payment-status', upstream_outcome: 'UPSTREAM_UNAVAILABLE', upstream_attempts: 2 }),
    );
    expect(output.text()).not.toMatch(/st_test_S3cr3t|mtok_4a005f|111111111|000123456789/);
  });
});

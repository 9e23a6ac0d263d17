import { beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { ETPAY_BANK_CODES } from '#shared/routes/create-etpay-session/bank-codes.ts';
import { handler } from '../../functions/create-etpay-session/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { setEnvironment } from '../support/env.ts';
import { captureOutput } from '../support/logs.ts';
import { invoke } from '../support/lambda.ts';
import { json, refusedUrl, useProviderStub, type StubAnswer } from '../support/provider-stub.ts';
import { ETPAY_TEST_SECRET, mockSecrets } from '../support/secrets.ts';

const output = captureOutput();
const table = usePaymentsTable();
const secrets = mockSecrets({});
const etpay = useProviderStub();
const SIGNATURE_TOKEN = 'pPpd7sig-NEVER-LEAK-6sQhll';
const initialised = () =>
  json(200, { token: 'nzOg6FE0aARi', signature_token: SIGNATURE_TOKEN, terms_url: 'https://static-dev.etpayment.com/tyc.pdf' });

const minimal = { merchant_order_id: 'OC-700104', order_amount: 50000 };
const full = {
  ...minimal,
  customer_email: 'ana.perez@example.cl',
  metadata: [{ name: 'Consulta', value: 'Dr. Soto', show: true }],
  user_bank_code: 'cl_santander',
  user_rut: '11.111.111-1',
  is_rut_block: true,
  payment_completed_url: 'https://clinic.example/pago/ok',
  payment_cancellation_url: 'https://clinic.example/pago/cancelado',
};

const setEnv = (overrides: Record<string, string | undefined> = {}): (() => void) =>
  setEnvironment({
    STAGE: 'local',
    ETPAY_API_URL: etpay.url,
    ETPAY_SECRET_ID: 'etpay-secret',
    ETPAY_RETURN_ORIGINS: 'https://clinic.example, https://other-clinic.example',
    ETPAY_PAYMENT_URL: 'https://pmt-sandbox.etpay.example',
    UPSTREAM_TIMEOUT_MS: '1500',
    PAYMENTS_TABLE: table.name,
    ...overrides,
  });

beforeEach(() => {
  etpay.answer(initialised());
  secrets.answer({ 'etpay-secret': ETPAY_TEST_SECRET });
  resetSecretsCache();
  setEnv({ ETPAY_WEBHOOK_URL: undefined });
});

describe('POST /v1/etpay/sessions: the happy path', () => {
  it('sends ETpay every field in its form, credentials from the secret, and answers without the signature_token', async () => {
    const res = await invoke(handler, { body: full });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      token: 'nzOg6FE0aARi',
      terms_url: 'https://static-dev.etpayment.com/tyc.pdf',
      merchant_order_id: 'OC-700104',
      payment_url: 'https://pmt-sandbox.etpay.example/session/nzOg6FE0aARi',
    });
    expect(JSON.stringify(res)).not.toContain(SIGNATURE_TOKEN);
    expect(etpay.requests).toHaveLength(1);
    expect(etpay.requests[0]?.path).toBe('/session/initialize');
    expect(etpay.requests[0]?.json).toEqual({
      merchant_code: ETPAY_TEST_SECRET.ETPAY_MERCHANT_CODE,
      merchant_api_token: ETPAY_TEST_SECRET.ETPAY_MERCHANT_API_TOKEN,
      merchant_order_id: 'OC-700104',
      order_amount: 50000,
      customer_email: 'ana.perez@example.cl',
      metadata: [{ name: 'Consulta', value: 'Dr. Soto', show: true }],
      user_bank_code: 'cl_santander',
      user_rut: '111111111',
      is_rut_block: true,
      payment_completed_url: 'https://clinic.example/pago/ok',
      payment_cancellation_url: 'https://clinic.example/pago/cancelado',
    });
  });

  it('keeps the signature_token server-side, in the session attempt, for the confirmation', async () => {
    await invoke(handler, { body: minimal });
    expect(await table.get('attempt#etpay#nzOg6FE0aARi')).toMatchObject({
      signature_token: SIGNATURE_TOKEN,
      order_id: 'OC-700104',
      amount: 50000,
    });
  });

  it('an order of that merchant_order_id past its expiry but not yet deleted by TTL → a new order, 201 (not 500)', async () => {
    etpay.answer(json(200, { token: 'tok_before_expiry', signature_token: SIGNATURE_TOKEN }));
    expect((await invoke(handler, { body: { ...minimal, merchant_order_id: 'OC-EXPIRED' } })).status).toBe(201);
    const [stale] = (await table.items('order#')).filter((item) => item.order_id === 'OC-EXPIRED');
    // Paid 90 days ago: DynamoDB may keep the item for days after its expiration.
    await table.put({ ...stale, status: 'paid', amount: 1000, expiration: Math.floor(Date.now() / 1000) - 1 });
    etpay.answer(json(200, { token: 'tok_after_expiry', signature_token: SIGNATURE_TOKEN }));
    const res = await invoke(handler, { body: { ...minimal, merchant_order_id: 'OC-EXPIRED', order_amount: 7000 } });
    expect(res).toMatchObject({ status: 201, body: { token: 'tok_after_expiry' } });
    expect(await table.get(stale?.id)).toMatchObject({ status: 'pending', amount: 7000, attempts: 1, latest_attempt: 'tok_after_expiry' });
  });

  it('no verified claims → 401 UNAUTHORIZED, ETpay never called', async () => {
    const res = await invoke(handler, { body: minimal, claims: null });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
    expect(etpay.requests).toHaveLength(0);
  });

  it('opens the session with payment_webhook_url where the stage sets ETPAY_WEBHOOK_URL', async () => {
    setEnv({ ETPAY_WEBHOOK_URL: 'https://api.clinic-payments.example/v1/etpay/notifications' });
    await invoke(handler, { body: minimal });
    expect(etpay.requests[0]?.json).toMatchObject({ payment_webhook_url: 'https://api.clinic-payments.example/v1/etpay/notifications' });
  });

  it('sends only what was given, and no payment_url where the stage sets none', async () => {
    setEnv({ ETPAY_PAYMENT_URL: undefined });
    const res = await invoke(handler, { body: minimal });
    expect(res.body).toEqual({ token: 'nzOg6FE0aARi', terms_url: 'https://static-dev.etpayment.com/tyc.pdf', merchant_order_id: 'OC-700104' });
    expect(etpay.requests[0]?.json).toEqual({
      merchant_code: ETPAY_TEST_SECRET.ETPAY_MERCHANT_CODE,
      merchant_api_token: ETPAY_TEST_SECRET.ETPAY_MERCHANT_API_TOKEN,
      ...minimal,
    });
  });

  it.each(ETPAY_BANK_CODES)('accepts bank code %s', async (code) => {
    expect((await invoke(handler, { body: { ...minimal, user_bank_code: code } })).status).toBe(201);
  });
});

describe('POST /v1/etpay/sessions: validation', () => {
  const invalid: { name: string; body: Record<string, unknown>; paths: string[] }[] = [
    { name: 'merchant_code set by the caller', body: { ...minimal, merchant_code: 'x' }, paths: ['merchant_code'] },
    { name: 'merchant_api_token set by the caller', body: { ...minimal, merchant_api_token: 'x' }, paths: ['merchant_api_token'] },
    { name: 'order_amount as a string', body: { ...minimal, order_amount: '50000' }, paths: ['order_amount'] },
    { name: 'order_amount with decimals', body: { ...minimal, order_amount: 50000.5 }, paths: ['order_amount'] },
    { name: 'merchant_order_id too long', body: { ...minimal, merchant_order_id: 'x'.repeat(65) }, paths: ['merchant_order_id'] },
    { name: 'merchant_order_id missing', body: { order_amount: 1 }, paths: ['merchant_order_id'] },
    { name: '11 metadata items', body: { ...minimal, metadata: Array.from({ length: 11 }, () => ({ name: 'a', value: 'b', show: true })) }, paths: ['metadata'] },
    { name: 'metadata without show', body: { ...minimal, metadata: [{ name: 'a', value: 'b' }] }, paths: ['metadata.0.show'] },
    { name: 'metadata name too long', body: { ...minimal, metadata: [{ name: 'n'.repeat(51), value: 'b', show: false }] }, paths: ['metadata.0.name'] },
    { name: 'an unknown bank', body: { ...minimal, user_bank_code: 'cl_unknown' }, paths: ['user_bank_code'] },
    { name: 'an invalid RUT', body: { ...minimal, user_rut: '11.111.111-2' }, paths: ['user_rut'] },
    { name: 'is_rut_block without user_rut', body: { ...minimal, is_rut_block: true }, paths: ['is_rut_block'] },
    { name: 'a bad email', body: { ...minimal, customer_email: 'ana@' }, paths: ['customer_email'] },
  ];
  it.each(invalid)('$name → 400 at $paths', async ({ body, paths }) => {
    const res = await invoke(handler, { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect((res.body.error.details as { path: string }[]).map((d) => d.path)).toEqual(paths);
    expect(etpay.requests).toHaveLength(0);
  });

  const badUrls: { name: string; url: string }[] = [
    { name: 'http', url: 'http://clinic.example/ok' },
    { name: 'a lookalike host', url: 'https://clinic.example.evil.example/ok' },
    { name: 'a prefix trick', url: 'https://clinic.example@evil.example/ok' },
    { name: 'javascript:', url: 'javascript:alert(1)' },
    { name: 'another origin', url: 'https://evil.example/ok' },
    { name: 'another port', url: 'https://clinic.example:8443/ok' },
    { name: 'relative', url: '/pago/ok' },
    { name: 'a backslash before the @', url: 'https://clinic.example\\@evil.example/' },
    { name: 'a backslash in the path', url: 'https://clinic.example/pago\\ok' },
    { name: 'a tab', url: 'https://clinic.example/pa\tgo/ok' },
    { name: 'CR/LF', url: 'https://clinic.example/pago/ok\r\nX-Injected: 1' },
    { name: 'a NUL', url: 'https://clinic.example/pago/ok\u0000' },
    { name: 'a C1 control', url: 'https://clinic.example/pago/\u0085ok' },
  ];
  it.each(badUrls)('a return URL with $name → 400, both URLs reported', async ({ url }) => {
    const res = await invoke(handler, { body: { ...minimal, payment_completed_url: url, payment_cancellation_url: url } });
    expect(res.status).toBe(400);
    expect((res.body.error.details as { path: string }[]).map((d) => d.path)).toEqual([
      'payment_completed_url',
      'payment_cancellation_url',
    ]);
    expect(etpay.requests).toHaveLength(0);
  });

  it.each([
    { name: 'an IDN host', url: 'https://clínica.example/pago/ok', href: 'https://xn--clnica-4va.example/pago/ok' },
    { name: 'a dot segment and spaces', url: 'https://clinic.example/a/../pago ok?x=á', href: 'https://clinic.example/pago%20ok?x=%C3%A1' },
    { name: 'an upper-case host and default port', url: 'https://CLINIC.example:443/pago/ok', href: 'https://clinic.example/pago/ok' },
  ])('forwards $name to ETpay as URL.href ($href), never the raw text', async ({ url, href }) => {
    setEnv({ ETPAY_RETURN_ORIGINS: 'https://clinic.example,https://xn--clnica-4va.example' });
    expect((await invoke(handler, { body: { ...minimal, payment_completed_url: url, payment_cancellation_url: url } })).status).toBe(201);
    expect(etpay.requests.at(-1)?.json).toMatchObject({ payment_completed_url: href, payment_cancellation_url: href });
  });

  it('accepts http on loopback only in the local stage', async () => {
    setEnv({ ETPAY_RETURN_ORIGINS: 'http://127.0.0.1:3000' });
    const url = 'http://127.0.0.1:3000/?etpay=ok';
    expect((await invoke(handler, { body: { ...minimal, payment_completed_url: url } })).status).toBe(201);
    setEnv({ STAGE: 'staging', ETPAY_API_URL: 'https://api-sandbox.etpay.example', ETPAY_RETURN_ORIGINS: 'http://127.0.0.1:3000' });
    const res = await invoke(handler, { body: { ...minimal, payment_completed_url: url } });
    expect(res.status).toBe(400);
  });
});

describe('POST /v1/etpay/sessions: upstream faults', () => {
  // The client's whole fault table is test/shared/providers/http-client.test.ts; here, this route's policy:
  // retried once when unavailable (an unused session expires), `upstream: etpay`, ETpay's answer shape.
  const faults: { name: string; answer: StubAnswer; status: number; code: string; calls: number }[] = [
    { name: '500', answer: json(500, {}), status: 503, code: 'UPSTREAM_UNAVAILABLE', calls: 1 },
    { name: '503 twice (retried once)', answer: json(503, {}), status: 503, code: 'UPSTREAM_UNAVAILABLE', calls: 2 },
    { name: '401', answer: json(401, {}), status: 502, code: 'UPSTREAM_AUTH_FAILED', calls: 1 },
    { name: 'no signature_token', answer: json(200, { token: 'abc', terms_url: 'x' }), status: 502, code: 'UPSTREAM_BAD_RESPONSE', calls: 1 },
    { name: 'no token', answer: json(200, { signature_token: SIGNATURE_TOKEN }), status: 502, code: 'UPSTREAM_BAD_RESPONSE', calls: 1 },
  ];
  it.each(faults)('$name → $status $code', async ({ answer, status, code, calls }) => {
    etpay.answer(answer);
    const res = await invoke(handler, { body: full });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, upstream: 'etpay' });
    expect(etpay.requests).toHaveLength(calls);
  });

  it('a 503 then a success: retried once', async () => {
    etpay.answer(json(503, {}), initialised());
    expect((await invoke(handler, { body: minimal })).status).toBe(201);
    expect(etpay.requests).toHaveLength(2);
  });

  it('connection refused → 503', async () => {
    setEnv({ ETPAY_API_URL: await refusedUrl() });
    expect((await invoke(handler, { body: minimal })).body.error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('a malformed secret → CONFIGURATION_ERROR, nothing sent', async () => {
    secrets.answer({ 'etpay-secret': { ETPAY_MERCHANT_CODE: 'cl_demo_cl' } });
    const res = await invoke(handler, { body: minimal });
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('cl_demo_cl');
    expect(etpay.requests).toHaveLength(0);
  });
});

describe('POST /v1/etpay/sessions: logs', () => {
  it('carry neither the merchant token, the signature_token nor personal data', () => {
    const text = output.text();
    expect(text).toContain('session-initialize');
    for (const needle of [ETPAY_TEST_SECRET.ETPAY_MERCHANT_API_TOKEN, SIGNATURE_TOKEN, '111111111', '11.111.111-1', 'ana.perez@example.cl']) {
      expect(text).not.toContain(needle);
    }
  });
});

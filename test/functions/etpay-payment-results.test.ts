import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { handler as confirmHandler } from '../../functions/confirm-etpay-payment/handler.ts';
import { handler as createSessionHandler } from '../../functions/create-etpay-session/handler.ts';
import { handler as notificationHandler } from '../../functions/receive-etpay-notification/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { rs256Result, signResult, unsignedResult, withPayload, type ResultClaims } from '../support/etpay-jwt.ts';
import { CLINIC_A, CLINIC_B, invoke, ownerOfClaims } from '../support/lambda.ts';
import { itemId } from '#shared/state/keys.ts';
import { captureOutput } from '../support/logs.ts';
import { json, useProviderStub } from '../support/provider-stub.ts';
import { ETPAY_TEST_SECRET, mockSecrets } from '../support/secrets.ts';
import { setEnvironment } from '../support/env.ts';

const output = captureOutput();
const table = usePaymentsTable();
mockSecrets({ 'etpay-secret': ETPAY_TEST_SECRET });
const etpay = useProviderStub();

interface Session {
  token: string;
  signature_token: string;
  merchant_order_id: string;
  order_amount: number;
}
const opened: Session[] = [];
let counter = 0;

/** Opens a session through POST /v1/etpay/sessions, ETpay answering with a fresh token and signature_token. */
const openSession = async (): Promise<Session> => {
  counter += 1;
  const session = {
    token: `sess${counter}${randomBytes(6).toString('hex')}`,
    signature_token: randomBytes(32).toString('hex'),
    merchant_order_id: `OC-7001${counter}`,
    order_amount: 50000 + counter,
  };
  etpay.answer(json(200, { token: session.token, signature_token: session.signature_token, terms_url: 'https://static.etpay.example/tyc.pdf' }));
  const res = await invoke(createSessionHandler, {
    body: { merchant_order_id: session.merchant_order_id, order_amount: session.order_amount, customer_email: 'ana.perez@example.cl' },
  });
  expect(res.status).toBe(201);
  opened.push(session);
  return session;
};

const claimsFor = (session: Session, overrides: ResultClaims = {}): ResultClaims => ({
  session_token: session.token,
  merchant_order_id: session.merchant_order_id,
  order_amount: session.order_amount,
  payment_status: 'success',
  payment_token: `pay_${randomBytes(8).toString('hex')}`,
  ...overrides,
});
const confirm = (jwt: string, claims: Record<string, unknown> = CLINIC_A) => invoke(confirmHandler, { body: { jwt }, claims });
const orderOf = (session: Session, claims = CLINIC_A) => table.get(itemId.order(ownerOfClaims(claims), 'etpay', session.merchant_order_id));
const notify = (jwt: string, extra: Record<string, unknown> = {}) => invoke(notificationHandler, { body: { payment: jwt, ...extra } });

beforeEach(() => {
  resetSecretsCache();
  setEnvironment({
    ETPAY_WEBHOOK_URL: undefined,
    ETPAY_PAYMENT_URL: undefined,
    STAGE: 'local',
    ETPAY_API_URL: etpay.url,
    ETPAY_SECRET_ID: 'etpay-secret',
    ETPAY_RETURN_ORIGINS: 'https://clinic.example',
    UPSTREAM_TIMEOUT_MS: '1500',
    PAYMENTS_TABLE: table.name,
  });
});

describe('POST /v1/etpay/sessions records the session server-side', () => {
  it('keeps the attempt (token, signature_token, owner, order, amount, time) for 7 days, and never answers with the signature_token', async () => {
    const session = await openSession();
    const record = await table.get(itemId.attempt('etpay', session.token));
    expect(record).toMatchObject({
      provider_id: session.token,
      signature_token: session.signature_token,
      owner: ownerOfClaims(CLINIC_A),
      order_id: session.merchant_order_id,
      amount: session.order_amount,
      status: 'pending',
      created_at: expect.any(String),
    });
    expect(await orderOf(session)).toMatchObject({ amount: session.order_amount, status: 'pending', attempts: 1 });
    const lifetime = (record?.expiration as number) - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(lifetime).toBeLessThanOrEqual(7 * 24 * 3600 + 1);
    expect(record).not.toHaveProperty('customer_email');
  });

  it('another amount for the same order → 409 ORDER_CONFLICT; a paid order → 409 ORDER_ALREADY_PAID; ETpay not called', async () => {
    const session = await openSession();
    const calls = etpay.requests.length;
    const again = (amount: number) => invoke(createSessionHandler, { body: { merchant_order_id: session.merchant_order_id, order_amount: amount } });
    const conflict = await again(1);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('ORDER_CONFLICT');
    await confirm(await signResult(claimsFor(session), session.signature_token));
    const paid = await again(session.order_amount);
    expect(paid.status).toBe(409);
    expect(paid.body.error.code).toBe('ORDER_ALREADY_PAID');
    expect(etpay.requests.length).toBe(calls);
  });

  it('two clinics with the same merchant_order_id have two orders', async () => {
    const session = await openSession();
    etpay.answer(json(200, { token: `sessB${randomBytes(6).toString('hex')}`, signature_token: randomBytes(32).toString('hex') }));
    const res = await invoke(createSessionHandler, { body: { merchant_order_id: session.merchant_order_id, order_amount: 7 }, claims: CLINIC_B });
    expect(res.status).toBe(201);
    expect(await orderOf(session, CLINIC_B)).toMatchObject({ amount: 7, owner: ownerOfClaims(CLINIC_B) });
    expect(await orderOf(session)).toMatchObject({ amount: session.order_amount });
  });

  it('opens the session with payment_webhook_url where the stage sets ETPAY_WEBHOOK_URL, and without it otherwise', async () => {
    await openSession();
    expect(etpay.requests[0]?.json).not.toHaveProperty('payment_webhook_url');
    setEnvironment({ ETPAY_WEBHOOK_URL: 'http://127.0.0.1:9/v1/etpay/notifications' });
    await openSession();
    expect((etpay.requests[1]?.json as Record<string, unknown>).payment_webhook_url).toBe('http://127.0.0.1:9/v1/etpay/notifications');
  });

  it('a session that cannot be recorded is not handed out: 500 INTERNAL_ERROR', async () => {
    setEnvironment({ PAYMENTS_TABLE: 'no-such-table' });
    etpay.answer(json(200, { token: 'tok_unrecorded', signature_token: 'sig' }));
    const res = await invoke(createSessionHandler, { body: { merchant_order_id: 'OC-1', order_amount: 1000 } });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('tok_unrecorded');
  });
});

describe('POST /v1/etpay/confirmations', () => {
  it('a genuine success → 200 paid, the order and amount taken from the recorded session', async () => {
    const session = await openSession();
    const res = await confirm(await signResult(claimsFor(session), session.signature_token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      merchant_order_id: session.merchant_order_id,
      order_amount: session.order_amount,
      payment_status: 'success',
      paid: true,
      status: 'paid',
    });
  });

  it("clinic B confirming clinic A's session → 404 NOT_FOUND, nothing recorded", async () => {
    const session = await openSession();
    const claims = claimsFor(session);
    const res = await confirm(await signResult(claims, session.signature_token), CLINIC_B);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(await table.items(`etpay-payment#${session.token}`)).toEqual([]);
    expect(await orderOf(session)).toMatchObject({ status: 'pending' });
  });

  it('no verified claims → 401 UNAUTHORIZED before anything is read', async () => {
    const session = await openSession();
    const res = await invoke(confirmHandler, { body: { jwt: await signResult(claimsFor(session), session.signature_token) }, claims: null });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('a signed success of another amount (1 CLP on 50 000) → 200 not paid; the order needs review, counted', async () => {
    const session = await openSession();
    const res = await confirm(await signResult(claimsFor(session, { order_amount: 1 }), session.signature_token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ paid: false, status: 'needs_review' });
    expect(await orderOf(session)).toMatchObject({ status: 'needs_review', provider_status: 'success' });
    expect(await table.get(itemId.attempt('etpay', session.token))).toMatchObject({ status: 'succeeded', paid_amount: 1, amount: session.order_amount });
    expect(output.text()).toContain('"PaymentNeedsReview"');
  });

  it('accepts ETpay\'s merchant_amount in place of order_amount', async () => {
    const session = await openSession();
    const res = await confirm(await signResult(claimsFor(session, { order_amount: undefined, merchant_amount: session.order_amount }), session.signature_token));
    expect(res.body).toMatchObject({ paid: true });
  });

  it('a confirmation without payment_token is recorded once, per session and status', async () => {
    const session = await openSession();
    const jwt = await signResult(claimsFor(session, { payment_token: undefined }), session.signature_token);
    expect((await confirm(jwt)).body).toMatchObject({ paid: true });
    expect((await confirm(jwt)).body).toMatchObject({ paid: true });
    expect(await table.items(itemId.etpayConfirmation(session.token, 'success'))).toHaveLength(1);
  });

  it.each(['cancelled', 'failed', 'pending', 'SUCCESS', 'success '])('payment_status %j → 200, not paid', async (status) => {
    const session = await openSession();
    const res = await confirm(await signResult(claimsFor(session, { payment_status: status }), session.signature_token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ payment_status: status, paid: false });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const unexpiring = async (s: Session) =>
    new (await import('jose')).SignJWT({ ...claimsFor(s) }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(new TextEncoder().encode(s.signature_token));

  const forgeries: { name: string; forge: (session: Session, other: Session) => Promise<string> | string }[] = [
    { name: 'signed with a wrong secret', forge: (s) => signResult(claimsFor(s), 'not-the-signature-token') },
    { name: "signed with another session's secret", forge: (s, other) => signResult(claimsFor(s), other.signature_token) },
    { name: 'alg none', forge: (s) => unsignedResult(claimsFor(s)) },
    { name: 'alg none carrying a genuine HS256 signature', forge: async (s) => {
      const [, payload, signature] = (await signResult(claimsFor(s), s.signature_token)).split('.');
      return `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.${signature}`;
    } },
    { name: 'HS512 with the right secret', forge: (s) => signResult(claimsFor(s), s.signature_token, 'HS512') },
    { name: 'HS384 with the right secret', forge: (s) => signResult(claimsFor(s), s.signature_token, 'HS384') },
    { name: 'RS256', forge: (s) => rs256Result(claimsFor(s)) },
    { name: 'expired', forge: (s) => signResult(claimsFor(s, { exp: Math.floor(Date.now() / 1000) - 120 }), s.signature_token) },
    { name: 'not yet valid', forge: (s) => signResult(claimsFor(s, { nbf: Math.floor(Date.now() / 1000) + 600 }), s.signature_token) },
    { name: 'a tampered payload (cancelled turned into success)', forge: async (s) => {
      const genuine = await signResult(claimsFor(s, { payment_status: 'cancelled', exp: 4_000_000_000 }), s.signature_token);
      return withPayload(genuine, claimsFor(s, { payment_status: 'success', exp: 4_000_000_000 }));
    } },
    { name: 'an unknown session_token', forge: (s) => signResult(claimsFor(s, { session_token: 'never-opened' }), s.signature_token) },
    { name: 'a session_token that is not a token', forge: (s) => signResult(claimsFor(s, { session_token: '../etpay-session#x' }), s.signature_token) },
    { name: 'no session_token', forge: (s) => signResult(claimsFor(s, { session_token: undefined }), s.signature_token) },
    { name: 'no payment_status', forge: (s) => signResult(claimsFor(s, { payment_status: undefined }), s.signature_token) },
    { name: 'payment_status not a string', forge: (s) => signResult(claimsFor(s, { payment_status: true }), s.signature_token) },
    { name: 'another merchant_order_id than the session', forge: (s) => signResult(claimsFor(s, { merchant_order_id: 'OC-999' }), s.signature_token) },
    { name: 'no exp', forge: (s) => unexpiring(s) },
    { name: 'a lifetime over 1 hour', forge: (s) => signResult(claimsFor(s, { iat: now(), exp: now() + 3_700 }), s.signature_token) },
    { name: 'an iat in the future', forge: (s) => signResult(claimsFor(s, { iat: now() + 600, exp: now() + 900 }), s.signature_token) },
    { name: 'no merchant_order_id', forge: (s) => signResult(claimsFor(s, { merchant_order_id: undefined }), s.signature_token) },
    { name: 'no amount claim', forge: (s) => signResult(claimsFor(s, { order_amount: undefined }), s.signature_token) },
    { name: 'not a JWT', forge: () => 'definitely.not.ajwt' },
    { name: 'a JWT with an empty payload', forge: () => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}..sig` },
  ];
  it.each(forgeries)('$name → 401 INVALID_SIGNATURE', async ({ forge }) => {
    const session = await openSession();
    const other = await openSession();
    const res = await confirm(await forge(session, other));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'INVALID_SIGNATURE', request_id: res.headers['x-request-id'] });
    expect(await orderOf(session)).toMatchObject({ status: 'pending' });
    expect(await table.items(`etpay-payment#${session.token}`)).toEqual([]);
  });

  it.each<{ name: string; body: Record<string, unknown> }>([
    { name: 'no jwt', body: {} },
    { name: 'an unknown field', body: { jwt: 'a.b.c', extra: 1 } },
    { name: 'jwt not a string', body: { jwt: 42 } },
  ])('$name → 400 VALIDATION_ERROR', async ({ body }) => {
    const res = await invoke(confirmHandler, { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('PAYMENTS_TABLE missing → 500 CONFIGURATION_ERROR', async () => {
    setEnvironment({ PAYMENTS_TABLE: undefined });
    const res = await confirm('a.b.c');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
  });
});

describe('POST /v1/etpay/notifications', () => {
  it('a genuine notification → 200 {received: true}, recorded under its payment_token without secrets or the JWT', async () => {
    const session = await openSession();
    const claims = claimsFor(session);
    const jwt = await signResult(claims, session.signature_token);
    const res = await notify(jwt);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    const records = await table.items(itemId.etpayPayment(session.token, String(claims.payment_token)));
    expect(records).toEqual([
      expect.objectContaining({
        payment_token: claims.payment_token,
        session_token: session.token,
        merchant_order_id: session.merchant_order_id,
        amount: session.order_amount,
        payment_status: 'success',
        source: 'notification',
      }),
    ]);
    expect(await orderOf(session)).toMatchObject({ status: 'paid' });
    const text = JSON.stringify(records);
    expect(text).not.toContain(session.signature_token);
    expect(text).not.toContain(jwt);
  });

  it('replayed twice, and delivered concurrently: acknowledged every time, recorded once', async () => {
    const session = await openSession();
    const claims = claimsFor(session);
    const jwt = await signResult(claims, session.signature_token);
    expect((await notify(jwt)).status).toBe(200);
    const [first] = await table.items(itemId.etpayPayment(session.token, String(claims.payment_token)));
    expect((await notify(jwt)).body).toEqual({ received: true });
    expect((await notify(jwt)).body).toEqual({ received: true });
    const concurrent = await Promise.all([notify(jwt), notify(jwt), notify(jwt)]);
    expect(concurrent.map((res) => res.status)).toEqual([200, 200, 200]);

    const records = await table.items(itemId.etpayPayment(session.token, String(claims.payment_token)));
    expect(records).toHaveLength(1);
    expect(records[0]?.received_at).toBe(first?.received_at);
    expect(output.text()).toContain('"replay":true');
  });

  it('a confirmation and then the notification of the same payment: one record', async () => {
    const session = await openSession();
    const claims = claimsFor(session);
    const jwt = await signResult(claims, session.signature_token);
    expect((await confirm(jwt)).status).toBe(200);
    expect((await notify(jwt)).status).toBe(200);
    const records = await table.items(itemId.etpayPayment(session.token, String(claims.payment_token)));
    expect(records).toHaveLength(1);
    expect(records[0]?.source).toBe('confirmation');
  });

  it('a notification without payment_token cannot be recorded once → 401', async () => {
    const session = await openSession();
    const res = await notify(await signResult(claimsFor(session, { payment_token: undefined }), session.signature_token));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_SIGNATURE');
  });

  it('a forged notification → 401 and nothing recorded', async () => {
    const session = await openSession();
    const claims = claimsFor(session);
    const res = await notify(await signResult(claims, 'guessed-secret'));
    expect(res.status).toBe(401);
    expect(await table.items(itemId.etpayPayment(session.token, String(claims.payment_token)))).toEqual([]);
  });

  it('tolerates fields ETpay may add beside `payment`', async () => {
    const session = await openSession();
    const res = await notify(await signResult(claimsFor(session), session.signature_token), { sent_at: '2025-01-01T00:00:00Z' });
    expect(res.status).toBe(200);
  });
});

describe('ETpay payment results: observability', () => {
  it('logs no signature_token, JWT, merchant credential nor personal data', () => {
    const text = output.text();
    expect(text).toContain('etpay payment result');
    for (const session of opened) expect(text).not.toContain(session.signature_token);
    for (const needle of [ETPAY_TEST_SECRET.ETPAY_MERCHANT_API_TOKEN, 'ana.perez@example.cl', 'eyJ']) {
      expect(text).not.toContain(needle);
    }
  });
});

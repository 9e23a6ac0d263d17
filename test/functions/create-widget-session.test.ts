import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { addAttempt, openOrder } from '#shared/state/orders.ts';
import { handler } from '../../functions/create-widget-session/handler.ts';
import { handler as getPaymentStatus } from '../../functions/get-payment-status/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { setEnvironment } from '../support/env.ts';
import { captureOutput } from '../support/logs.ts';
import { CLINIC_A, CLINIC_B, httpEvent, invoke, lambdaContext, ownerOfClaims } from '../support/lambda.ts';
import { json, refusedUrl, useProviderStub, type StubAnswer } from '../support/provider-stub.ts';
import { mockSecrets, SKIP_LIVE_SECRET, SKIP_TEST_SECRET } from '../support/secrets.ts';
import { samplePatientCanonical } from '../support/fixtures.ts';

const output = captureOutput();
const table = usePaymentsTable();
const secrets = mockSecrets({});
const spot = useProviderStub();
const PK = SKIP_TEST_SECRET.SKIP_PUBLIC_KEY;
// The stage's widget origin; Skip answers with URLs on it (the stub itself is only the backend).
const WIDGET = 'https://spot.getskip.ai';

const patient = samplePatientCanonical;
const minted = (url = `${WIDGET}?widget_token=550e8400-e29b&public_key=${PK}`) => json(201, { widget_token: '550e8400-e29b', url });

const setEnv = (overrides: Record<string, string | undefined> = {}): (() => void) =>
  setEnvironment({
    STAGE: 'local',
    SKIP_BACKEND_URL: `${spot.url}/api`,
    SPOT_WIDGET_URL: WIDGET,
    SKIP_SECRET_ID: 'skip-secret',
    UPSTREAM_TIMEOUT_MS: '1500',
    PAYMENTS_TABLE: table.name,
    ...overrides,
  });

/** A SkipPay order of clinic A, as create-order records it (the order, and the order as its own attempt). */
const clinicAOrder = async (hash: string): Promise<void> => {
  const { order } = await openOrder(table.name, { owner: ownerOfClaims(CLINIC_A), provider: 'skippay', id: hash, amount: 50000, providerStatus: 'pending' });
  await addAttempt(table.name, order, { provider: 'skippay', providerId: hash, amount: 50000, providerStatus: 'pending' });
};

beforeAll(async () => {
  await clinicAOrder('ord_abc123');
});

beforeEach(() => {
  spot.answer(minted());
  secrets.answer({ 'skip-secret': SKIP_TEST_SECRET });
  resetSecretsCache();
  setEnv();
});

describe('POST /v1/widget-sessions: the AAPD flow', () => {
  it('sends the Spot backend exactly the contract request, public key only, and answers the iframe URL', async () => {
    const res = await invoke(handler, { body: { order_token: 'ord_abc123', patient: { ...patient, rut: '12.345.678-5', phone_number: '9 1234 5678' } } });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      widget_token: '550e8400-e29b',
      iframe_url: `${WIDGET}/?widget_token=550e8400-e29b&public_key=${PK}&order_token=ord_abc123`,
      widget_origin: WIDGET,
    });
    expect(spot.requests).toHaveLength(1);
    const [request] = spot.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/api/spot/widget?public_key=${PK}`);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).not.toContain(SKIP_TEST_SECRET.SKIPPAY_CLIENT_SECRET);
    expect(request?.json).toEqual({
      rut: '12345678-5',
      user_data: { name: 'Ana', surname: 'Pérez', email: 'ana.perez@example.cl', phone_number: '+56912345678' },
      order_token: 'ord_abc123',
    });
  });

  it('replaces an order_token Skip already put in the URL: exactly one, ours', async () => {
    spot.answer(minted(`${WIDGET}/?widget_token=550e8400-e29b&order_token=evil&public_key=${PK}&order_token=other`));
    const res = await invoke(handler, { body: { order_token: 'ord_abc123', patient } });
    const url = new URL(res.body.iframe_url);
    expect(url.searchParams.getAll('order_token')).toEqual(['ord_abc123']);
    expect(url.searchParams.get('public_key')).toBe(PK);
    expect(url.searchParams.get('widget_token')).toBe('550e8400-e29b');
  });

  it.each(['ord&x=1', 'ord=1', 'ord#frag', 'ord abc', ''])('refuses an order_token %j by validation', async (token) => {
    const res = await invoke(handler, { body: { order_token: token, patient } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'order_token', message: expect.any(String) }]);
    expect(spot.requests).toHaveLength(0);
  });
});

describe('POST /v1/widget-sessions: only for the caller\'s own order (contract v1.1)', () => {
  /** The caller's view of an order through GET /v1/payments/skippay/{order_token}: the 404 to match. */
  const statusOf = async (orderToken: string, claims: Record<string, unknown>) => {
    // The status function's own settings, beside the widget function's.
    setEnv({ SKIPPAY_API_URL: 'http://127.0.0.1:9/skippay', ETPAY_API_URL: 'http://127.0.0.1:9/etpay', ETPAY_SECRET_ID: 'etpay-secret' });
    const event = httpEvent({ routeKey: 'GET /v1/payments/skippay/{order_token}', claims });
    event.pathParameters = { order_token: orderToken };
    const result = await getPaymentStatus(event, lambdaContext());
    return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as { error: Record<string, unknown> } };
  };
  const withoutRequestId = (body: { error: Record<string, unknown> }) => ({ ...body, error: { ...body.error, request_id: '' } });

  it("clinic A's own order: 201, and Skip is asked once", async () => {
    const res = await invoke(handler, { body: { order_token: 'ord_abc123', patient }, claims: CLINIC_A });
    expect(res.status).toBe(201);
    expect(spot.requests).toHaveLength(1);
  });

  it("clinic B naming clinic A's order: the same 404 as a token never created, and nothing reaches Skip", async () => {
    const theirs = await invoke(handler, { body: { order_token: 'ord_abc123', patient }, claims: CLINIC_B });
    const unknown = await invoke(handler, { body: { order_token: 'ord_neverCreated', patient }, claims: CLINIC_B });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error).toMatchObject({ code: 'NOT_FOUND', request_id: theirs.headers['x-request-id'] });
    expect(withoutRequestId(theirs.body)).toEqual(withoutRequestId(unknown.body));
    expect(spot.requests).toHaveLength(0);
  });

  it('answers exactly what GET /v1/payments/skippay/{order_token} answers the same caller', async () => {
    const widget = await invoke(handler, { body: { order_token: 'ord_abc123', patient }, claims: CLINIC_B });
    const status = await statusOf('ord_abc123', CLINIC_B);
    expect(status.status).toBe(404);
    expect(widget.status).toBe(status.status);
    expect(withoutRequestId(widget.body)).toEqual(withoutRequestId(status.body));
    expect(spot.requests).toHaveLength(0);
  });

  it('an order token never created here → 404 NOT_FOUND, Skip not called, the secret not even read', async () => {
    const res = await invoke(handler, { body: { order_token: 'ord_neverCreated', patient } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(spot.requests).toHaveLength(0);
    expect(secrets.mock.calls()).toHaveLength(0);
  });

  it("an ETpay order id of clinic A's is no SkipPay order: 404", async () => {
    await openOrder(table.name, { owner: ownerOfClaims(CLINIC_A), provider: 'etpay', id: 'ord_etpayOnly', amount: 50000 });
    const res = await invoke(handler, { body: { order_token: 'ord_etpayOnly', patient } });
    expect(res.status).toBe(404);
    expect(spot.requests).toHaveLength(0);
  });

  it('an expired order (its TTL passed, not yet deleted) reads as unknown: 404', async () => {
    await clinicAOrder('ord_expiring');
    const [order] = (await table.items('order#')).filter((item) => item.order_id === 'ord_expiring');
    await table.put({ ...order, expiration: Math.floor(Date.now() / 1000) - 1 });
    const res = await invoke(handler, { body: { order_token: 'ord_expiring', patient } });
    expect(res.status).toBe(404);
    expect(spot.requests).toHaveLength(0);
  });
});

describe('POST /v1/widget-sessions: a standard Spot registration', () => {
  it('sends no order_token and puts none in the URL', async () => {
    spot.answer(minted(`${WIDGET}?widget_token=550e8400-e29b&public_key=${PK}&order_token=stale`));
    const res = await invoke(handler, { body: { patient } });
    expect(res.status).toBe(201);
    expect(spot.requests[0]?.json).not.toHaveProperty('order_token');
    expect(new URL(res.body.iframe_url).searchParams.has('order_token')).toBe(false);
  });
});

describe('POST /v1/widget-sessions: a widget URL that must never reach the browser', () => {
  it.each([
    { name: 'a foreign origin', url: 'https://evil.example/?widget_token=550e8400-e29b' },
    { name: 'http with the right host', url: 'http://spot.getskip.ai/?widget_token=550e8400-e29b' },
    { name: 'a lookalike host', url: 'https://spot.getskip.ai.evil.example/?widget_token=550e8400-e29b' },
    { name: 'another port', url: 'https://spot.getskip.ai:8443/?widget_token=550e8400-e29b' },
    { name: 'credentials in the URL', url: 'https://user:pass@spot.getskip.ai/?widget_token=550e8400-e29b' },
    { name: 'javascript:', url: 'javascript:alert(1)' },
    { name: 'not a URL', url: 'spot.getskip.ai?widget_token=1' },
  ])('$name → 502 UPSTREAM_BAD_RESPONSE', async ({ url }) => {
    spot.answer(json(201, { widget_token: '550e8400-e29b', url }));
    const res = await invoke(handler, { body: { order_token: 'ord_abc123', patient } });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', upstream: 'skip-backend' });
    expect(JSON.stringify(res.body)).not.toContain('evil');
  });
});

describe('POST /v1/widget-sessions: upstream faults', () => {
  // The client's whole fault table is test/shared/providers/http-client.test.ts; here, this route's policy:
  // retried once when unavailable (minting is safe to repeat), `upstream: skip-backend`, Spot's answer shape.
  const faults: { name: string; answer: StubAnswer; status: number; code: string; calls: number }[] = [
    { name: '500', answer: json(500, {}), status: 503, code: 'UPSTREAM_UNAVAILABLE', calls: 1 },
    { name: '503 twice (retried once)', answer: json(503, {}), status: 503, code: 'UPSTREAM_UNAVAILABLE', calls: 2 },
    { name: 'connection destroyed (retried once)', answer: { kind: 'destroy' }, status: 503, code: 'UPSTREAM_UNAVAILABLE', calls: 2 },
    { name: '400', answer: json(400, { message: 'rut 12345678-5' }), status: 422, code: 'UPSTREAM_REJECTED', calls: 1 },
    { name: 'missing url', answer: json(201, { widget_token: 'x' }), status: 502, code: 'UPSTREAM_BAD_RESPONSE', calls: 1 },
    { name: 'missing widget_token', answer: json(201, { url: WIDGET }), status: 502, code: 'UPSTREAM_BAD_RESPONSE', calls: 1 },
  ];
  it.each(faults)('$name → $status $code', async ({ answer, status, code, calls }) => {
    spot.answer(answer);
    const res = await invoke(handler, { body: { order_token: 'ord_abc123', patient } });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, upstream: 'skip-backend' });
    expect(spot.requests).toHaveLength(calls);
  });

  it('a 503 then a success: retried once, answers 201', async () => {
    spot.answer(json(503, {}), minted());
    const res = await invoke(handler, { body: { patient } });
    expect(res.status).toBe(201);
    expect(spot.requests).toHaveLength(2);
  });

  it('connection refused → 503 after one retry', async () => {
    setEnv({ SKIP_BACKEND_URL: await refusedUrl() });
    const res = await invoke(handler, { body: { patient } });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
  });
});

describe('POST /v1/widget-sessions: configuration', () => {
  it('staging refuses live keys and calls nobody', async () => {
    secrets.answer({ 'skip-secret': SKIP_LIVE_SECRET });
    setEnv({ STAGE: 'staging', SKIP_BACKEND_URL: 'https://staging.backend.getskip.ai/api' });
    const res = await invoke(handler, { body: { patient } });
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    expect(spot.requests).toHaveLength(0);
  });

  it('missing SPOT_WIDGET_URL → CONFIGURATION_ERROR before any call', async () => {
    setEnv({ SPOT_WIDGET_URL: undefined });
    const res = await invoke(handler, { body: { patient } });
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    expect(spot.requests).toHaveLength(0);
  });
});

describe('POST /v1/widget-sessions: logs', () => {
  it('carry no secret, public key or personal datum', () => {
    const text = output.text();
    expect(text).toContain('mint-widget-token');
    for (const needle of [SKIP_TEST_SECRET.SKIPPAY_CLIENT_SECRET, PK, '12345678-5', '12.345.678-5', 'ana.perez@example.cl', '912345678']) {
      expect(text).not.toContain(needle);
    }
  });
});

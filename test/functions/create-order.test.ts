import { beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { handler } from '../../functions/create-order/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { setEnvironment } from '../support/env.ts';
import { captureOutput, emfProblems } from '../support/logs.ts';
import { itemId } from '#shared/state/keys.ts';
import { CLINIC_A, invoke, lambdaContext, ownerOfClaims } from '../support/lambda.ts';
import { json, refusedUrl, useProviderStub, type StubAnswer } from '../support/provider-stub.ts';
import { mockSecrets, SKIP_LIVE_SECRET, SKIP_TEST_SECRET } from '../support/secrets.ts';
import { sampleOrder, samplePatientCanonical } from '../support/fixtures.ts';

const output = captureOutput();
// Idempotency-Key records live there (test/functions/create-order-idempotency.test.ts covers them).
const table = usePaymentsTable();
const secrets = mockSecrets({ 'clinic-payments/staging/skip': SKIP_TEST_SECRET });
const skippay = useProviderStub();

const validOrder = sampleOrder;

const setEnv = (overrides: Record<string, string | undefined> = {}): (() => void) =>
  setEnvironment({
    STAGE: 'staging',
    SKIPPAY_API_URL: skippay.url,
    SKIP_SECRET_ID: 'clinic-payments/staging/skip',
    UPSTREAM_TIMEOUT_MS: '1500',
    PAYMENTS_TABLE: table.name,
    ...overrides,
  });

beforeEach(() => {
  skippay.answer(json(201, { hash: 'ord_abc123', status: 'pending' }));
  secrets.answer({ 'clinic-payments/staging/skip': SKIP_TEST_SECRET });
  resetSecretsCache();
  // SKIPPAY_API_URL is http on loopback: allowed only for the local stage, so tests run as `local`
  // unless a test is about stage rules.
  setEnv({ STAGE: 'local' });
});

describe('POST /v1/orders: the happy path', () => {
  it('sends SkipPay exactly the order the contract describes and answers 201', async () => {
    const res = await invoke(handler, { body: validOrder });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ order_token: 'ord_abc123', reference: 'CLINIC-000123', status: 'pending' });
    expect(res.headers['x-request-id']).toMatch(/^req-/);
    expect(skippay.requests).toHaveLength(1);
    const [request] = skippay.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/orders');
    expect(request?.headers.authorization).toBe(`Bearer ${SKIP_TEST_SECRET.SKIPPAY_CLIENT_SECRET}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual({
      reference: 'CLINIC-000123',
      total_amount: '50000',
      customer: samplePatientCanonical,
    });
  });

  it('records the order at creation: pending, its amount, its owner, and the SkipPay order as its attempt', async () => {
    skippay.answer(json(201, { hash: 'ord_recorded1', status: 'pending' }));
    expect((await invoke(handler, { body: validOrder })).status).toBe(201);
    expect(await table.get(itemId.order(ownerOfClaims(CLINIC_A), 'skippay', 'ord_recorded1'))).toMatchObject({
      owner: ownerOfClaims(CLINIC_A),
      amount: 50000,
      status: 'pending',
      provider_status: 'pending',
      attempts: 1,
    });
    expect(await table.get(itemId.attempt('skippay', 'ord_recorded1'))).toMatchObject({ amount: 50000, status: 'pending' });
    const stored = JSON.stringify(await table.items('order#'));
    for (const personal of ['12345678', 'ana.perez@example.cl', '912345678', 'Pérez']) expect(stored).not.toContain(personal);
  });

  it('no verified claims → 401 UNAUTHORIZED from the handler itself; SkipPay never called', async () => {
    const res = await invoke(handler, { body: validOrder, claims: null });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED', request_id: res.headers['x-request-id'] });
    expect(skippay.requests).toHaveLength(0);
  });

  it('forwards provider_rut canonicalised and omits status when SkipPay sends none', async () => {
    skippay.answer(json(201, { hash: 'ord_xyz' }));
    const res = await invoke(handler, { body: { ...validOrder, provider_rut: '765432103' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ order_token: 'ord_xyz', reference: 'CLINIC-000123' });
    expect((skippay.requests[0]?.json as { provider_rut: string }).provider_rut).toBe('76543210-3');
  });

  it('generates a unique reference when none is given', async () => {
    const { reference: _omit, ...withoutReference } = validOrder;
    const first = await invoke(handler, { body: withoutReference });
    const second = await invoke(handler, { body: withoutReference });
    expect(first.body.reference).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(first.body.reference).not.toBe(second.body.reference);
    expect((skippay.requests[0]?.json as { reference: string }).reference).toBe(first.body.reference);
  });

  it('accepts a base64-encoded body and a charset parameter', async () => {
    const res = await invoke(handler, {
      body: validOrder,
      base64: true,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(201);
  });

  it('accepts and validates Idempotency-Key', async () => {
    expect((await invoke(handler, { body: validOrder, headers: { 'idempotency-key': 'abc-123' } })).status).toBe(201);
    const bad = await invoke(handler, { body: validOrder, headers: { 'idempotency-key': 'ñandú' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'headers.idempotency-key', message: expect.any(String) }]);
    const long = await invoke(handler, { body: validOrder, headers: { 'idempotency-key': 'k'.repeat(256) } });
    expect(long.status).toBe(400);
    expect(skippay.requests).toHaveLength(1);
  });
});

describe('POST /v1/orders: bad input never reaches SkipPay', () => {
  const cases: { name: string; options: Parameters<typeof invoke>[1]; status: number; code: string }[] = [
    { name: 'wrong content type', options: { rawBody: JSON.stringify(validOrder), headers: { 'content-type': 'text/plain' } }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'no content type', options: { rawBody: JSON.stringify(validOrder), headers: { 'content-type': '' } }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'not JSON', options: { rawBody: '{"total_amount": 5' }, status: 400, code: 'INVALID_JSON' },
    { name: 'a JSON array', options: { rawBody: '[1,2]' }, status: 400, code: 'INVALID_JSON' },
    { name: 'JSON null', options: { rawBody: 'null' }, status: 400, code: 'INVALID_JSON' },
    { name: 'a JSON string', options: { rawBody: '"hello"' }, status: 400, code: 'INVALID_JSON' },
    { name: 'no body', options: {}, status: 400, code: 'INVALID_JSON' },
    { name: 'over 16 KiB', options: { rawBody: JSON.stringify({ ...validOrder, pad: 'x'.repeat(17_000) }) }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'over 16 KiB in base64', options: { rawBody: JSON.stringify({ pad: 'x'.repeat(17_000) }), base64: true }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ];
  it.each(cases)('$name → $status $code', async ({ options, status, code }) => {
    const res = await invoke(handler, options);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
    expect(skippay.requests).toHaveLength(0);
  });

  it('lists every failing field with dotted paths', async () => {
    const res = await invoke(handler, {
      body: {
        reference: 'bad reference!',
        total_ammount: 50000,
        total_amount: '50000',
        customer: { rut: '12.345.678-9', first_name: '', last_name: 'Pérez', email: 'nope', phone_number: '123' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual([
      'customer.email',
      'customer.first_name',
      'customer.phone_number',
      'customer.rut',
      'reference',
      'total_ammount',
      'total_amount',
    ]);
    expect(JSON.stringify(res.body)).not.toContain('12.345.678-9');
    expect(skippay.requests).toHaveLength(0);
  });

  it.each([
    { name: 'a string', amount: '50000' },
    { name: 'a fraction', amount: 50000.5 },
    { name: 'zero', amount: 0 },
    { name: 'negative', amount: -1 },
    { name: 'over the maximum', amount: 1_000_000_000 },
  ])('total_amount $amount ($name) → 400 at total_amount', async ({ amount }) => {
    const res = await invoke(handler, { body: { ...validOrder, total_amount: amount } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'total_amount', message: expect.any(String) }]);
  });
});

describe('POST /v1/orders: SkipPay is called exactly once, whatever it answers', () => {
  // The client's whole fault table is test/shared/providers/http-client.test.ts; here, this route's policy:
  // never retried (order creation is not idempotent), `upstream: skippay`, SkipPay's order shape, no leak.
  const faults: { name: string; answer: StubAnswer; status: number; code: string }[] = [
    { name: '503 (no retry for orders)', answer: json(503, {}), status: 503, code: 'UPSTREAM_UNAVAILABLE' },
    { name: 'connection destroyed (no retry for orders)', answer: { kind: 'destroy' }, status: 503, code: 'UPSTREAM_UNAVAILABLE' },
    { name: '500 with a body', answer: json(500, { error: 'boom' }), status: 503, code: 'UPSTREAM_UNAVAILABLE' },
    { name: '401 quoting our secret', answer: json(401, { error: 'bad secret st_test_S3cr3tV4lu3xyz' }), status: 502, code: 'UPSTREAM_AUTH_FAILED' },
    { name: '400 quoting the RUT', answer: json(400, { error: 'rut 12345678-5 invalid' }), status: 422, code: 'UPSTREAM_REJECTED' },
    {
      name: 'HTML',
      answer: { kind: 'raw', status: 200, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html' },
      status: 502,
      code: 'UPSTREAM_BAD_RESPONSE',
    },
    { name: 'a body without hash', answer: json(201, { status: 'pending' }), status: 502, code: 'UPSTREAM_BAD_RESPONSE' },
    { name: 'a hash that is not URL-safe', answer: json(201, { hash: 'ord&x=1#y' }), status: 502, code: 'UPSTREAM_BAD_RESPONSE' },
  ];
  it.each(faults)('$name → $status $code', async ({ answer, status, code }) => {
    skippay.answer(answer);
    const res = await invoke(handler, { body: validOrder });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, upstream: 'skippay', request_id: res.headers['x-request-id'] });
    expect(res.body.error.details).toBeUndefined();
    expect(skippay.requests).toHaveLength(1);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/st_test|boom|12345678|Bad gateway|stack/);
  });

  it('connection refused → 503 UPSTREAM_UNAVAILABLE', async () => {
    setEnv({ STAGE: 'local', SKIPPAY_API_URL: await refusedUrl() });
    const res = await invoke(handler, { body: validOrder });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'skippay' });
  });

  it('keeps inside the Lambda remaining time even when UPSTREAM_TIMEOUT_MS is longer', async () => {
    skippay.answer({ kind: 'hang' });
    setEnv({ STAGE: 'local', UPSTREAM_TIMEOUT_MS: '10000' });
    const started = Date.now();
    const res = await invoke(handler, { body: validOrder }, lambdaContext(1_200));
    expect(res.body.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('POST /v1/orders: configuration fails closed', () => {
  it('staging refuses live Skip keys and calls nobody', async () => {
    secrets.answer({ 'clinic-payments/staging/skip': SKIP_LIVE_SECRET });
    setEnv({ STAGE: 'staging', SKIPPAY_API_URL: 'https://staging.pay.getskip.ai' });
    const res = await invoke(handler, { body: validOrder });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    expect(skippay.requests).toHaveLength(0);
  });

  it('production refuses test Skip keys', async () => {
    setEnv({ STAGE: 'production', SKIPPAY_API_URL: 'https://pay.getskip.ai' });
    const res = await invoke(handler, { body: validOrder });
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
  });

  it('a deployed stage refuses a plain-http provider URL', async () => {
    setEnv({ STAGE: 'staging' });
    const res = await invoke(handler, { body: validOrder });
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    expect(skippay.requests).toHaveLength(0);
  });

  it.each(['STAGE', 'SKIPPAY_API_URL', 'SKIP_SECRET_ID', 'PAYMENTS_TABLE'])('missing %s → 500 CONFIGURATION_ERROR', async (name) => {
    setEnv({ [name]: undefined });
    const res = await invoke(handler, { body: validOrder });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    expect(skippay.requests).toHaveLength(0);
  });

  it('a missing secret → CONFIGURATION_ERROR', async () => {
    setEnv({ STAGE: 'local', SKIP_SECRET_ID: 'nope' });
    const res = await invoke(handler, { body: validOrder });
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
  });
});

describe('POST /v1/orders: observability', () => {
  /** The lines written for one request (other tests' stragglers on a busy machine are not its lines). */
  const linesOf = async (body: unknown): Promise<Record<string, unknown>[]> => {
    const before = output.mark();
    const requestId = (await invoke(handler, { body })).headers['x-request-id'];
    expect(requestId).toEqual(expect.any(String));
    const written = output.linesSince(before);
    // Shown by a failing length check: what was written instead. (Counting lines, not writes, an empty
    // result was seen twice in ~25 runs: a partial line written before could swallow ours.)
    lastWritten = `for ${String(requestId)}: ${written.join(' | ').slice(0, 2000)}`;
    return written.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.request_id === requestId);
  };
  let lastWritten = '';

  it('writes one line per request: the access line, carrying the SkipPay call and its EMF metrics', async () => {
    const lines = await linesOf(validOrder);
    expect(lines, lastWritten).toHaveLength(1);
    const [line = {}] = lines;
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'request completed',
      status: 201,
      service: 'clinic-payments-api',
      stage: 'local',
      provider: 'skippay',
      upstream_operation: 'create-order',
      upstream_outcome: 'ok',
      upstream_attempts: 1,
      UpstreamSuccess: 1,
    });
    expect(line.UpstreamLatency).toEqual(expect.any(Number));
    expect(emfProblems(line)).toEqual([]);
  });

  it('a failed call is on the one request-failed line, with its outcome and an UpstreamFailure', async () => {
    skippay.answer(json(503, {}));
    const lines = await linesOf(validOrder);
    expect(lines, lastWritten).toHaveLength(1);
    const [line = {}] = lines;
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'request failed',
      status: 503,
      code: 'UPSTREAM_UNAVAILABLE',
      provider: 'skippay',
      upstream_outcome: 'UPSTREAM_UNAVAILABLE',
      upstream_http_status: 503,
      UpstreamFailure: 1,
    });
    expect(emfProblems(line)).toEqual([]);
  });

  it('a request that never reaches SkipPay writes one line and no upstream metric', async () => {
    const lines = await linesOf({ ...validOrder, total_amount: -1 });
    expect(lines, lastWritten).toHaveLength(1);
    expect(lines[0]).toMatchObject({ message: 'request rejected', status: 400 });
    expect(lines[0]).not.toHaveProperty('_aws');
    expect(lines[0]).not.toHaveProperty('provider');
  });

  it('emits an UpstreamFailure metric for the provider and a ConfigurationError metric', async () => {
    skippay.answer(json(503, {}));
    await invoke(handler, { body: validOrder });
    setEnv({ SKIP_SECRET_ID: undefined });
    await invoke(handler, { body: validOrder });
    const emf = output
      .lines()
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = emf.find((entry) => 'UpstreamFailure' in entry);
    expect(failure).toMatchObject({ provider: 'skippay', service: 'clinic-payments-api', stage: 'local', UpstreamFailure: 1 });
    expect(emf.find((entry) => 'ConfigurationError' in entry)).toMatchObject({ provider: 'skippay', ConfigurationError: 1 });
  });

  it('logs no secret and no personal data in any line', () => {
    const text = output.text();
    expect(text.length).toBeGreaterThan(0);
    for (const needle of [
      SKIP_TEST_SECRET.SKIPPAY_CLIENT_SECRET,
      SKIP_LIVE_SECRET.SKIPPAY_CLIENT_SECRET,
      '12.345.678-5',
      '12345678-5',
      '123456785',
      'ana.perez@example.cl',
      '912345678',
      '9 1234 5678',
    ]) {
      expect(text).not.toContain(needle);
    }
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { handler } from '../../functions/create-order/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { httpEvent, invoke, lambdaContext } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { json, useProviderStub } from '../support/provider-stub.ts';
import { mockSecrets, SKIP_TEST_SECRET } from '../support/secrets.ts';
import { setEnvironment } from '../support/env.ts';
import { sampleOrder } from '../support/fixtures.ts';

const output = captureOutput();
const table = usePaymentsTable();
mockSecrets({ 'clinic-payments/staging/skip': SKIP_TEST_SECRET });
const skippay = useProviderStub();

const order = sampleOrder;

let keyCounter = 0;
/** A fresh key per test: the table lives for the whole file. */
const newKey = (): string => `key-${Date.now()}-${(keyCounter += 1)}`;
const submit = (key: string, body: unknown = order, headers: Record<string, string> = {}) =>
  invoke(handler, { body, headers: { 'idempotency-key': key, ...headers } });

beforeEach(() => {
  skippay.answer(json(201, { hash: 'ord_abc123', status: 'pending' }));
  resetSecretsCache();
  setEnvironment({
    STAGE: 'local',
    SKIPPAY_API_URL: skippay.url,
    SKIP_SECRET_ID: 'clinic-payments/staging/skip',
    UPSTREAM_TIMEOUT_MS: '1500',
    PAYMENTS_TABLE: table.name,
  });
});

describe('POST /v1/orders with Idempotency-Key', () => {
  it('a double submit creates one SkipPay order and answers both with the first answer', async () => {
    const key = newKey();
    const first = await submit(key);
    skippay.answer(json(201, { hash: 'ord_second', status: 'pending' }));
    const second = await submit(key);

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(first.body.order_token).toBe('ord_abc123');
    expect(skippay.requests).toHaveLength(1);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('replays a generated reference too', async () => {
    const { reference: _omit, ...withoutReference } = order;
    const key = newKey();
    const first = await submit(key, withoutReference);
    const second = await submit(key, withoutReference);
    expect(second.body.reference).toBe(first.body.reference);
    expect(skippay.requests).toHaveLength(1);
  });

  it('the same body spelled differently (key order, RUT and phone forms) is the same request', async () => {
    const key = newKey();
    await submit(key);
    const respelled = {
      customer: { ...order.customer, phone_number: '+56912345678', rut: '12345678-5' },
      total_amount: 50000,
      reference: 'CLINIC-000123',
    };
    expect((await submit(key, respelled)).status).toBe(201);
    expect(skippay.requests).toHaveLength(1);
  });

  it('concurrent submits with one key: one 201, the others 409 IDEMPOTENCY_CONFLICT, one SkipPay order', async () => {
    skippay.answer({ kind: 'delayed', ms: 400, answer: json(201, { hash: 'ord_slow', status: 'pending' }) });
    const key = newKey();
    const answers = await Promise.all(Array.from({ length: 5 }, () => submit(key)));

    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const conflict of answers.filter((answer) => answer.status === 409)) {
      expect(conflict.body.error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', request_id: conflict.headers['x-request-id'] });
    }
    expect(skippay.requests).toHaveLength(1);
    // Once the first has finished, the key replays its answer.
    const later = await submit(key);
    expect(later.status).toBe(201);
    expect(later.body.order_token).toBe('ord_slow');
  });

  it('the same key with another body → 422 IDEMPOTENCY_KEY_REUSED, SkipPay not called again', async () => {
    const key = newKey();
    await submit(key);
    const reused = await submit(key, { ...order, total_amount: 60000 });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(skippay.requests).toHaveLength(1);
  });

  it('another body while the first is still running → 422, not 409', async () => {
    skippay.answer({ kind: 'delayed', ms: 300, answer: json(201, { hash: 'ord_slow2' }) });
    const key = newKey();
    const [first, other] = await Promise.all([
      submit(key),
      new Promise((resolve) => setTimeout(resolve, 100)).then(() => submit(key, { ...order, reference: 'OTHER-1' })),
    ]);
    expect(first.status).toBe(201);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a failed first call (503) is not stored: the retry calls SkipPay and succeeds', async () => {
    const key = newKey();
    skippay.answer(json(503, {}));
    const failed = await submit(key);
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('UPSTREAM_UNAVAILABLE');

    skippay.answer(json(201, { hash: 'ord_retry', status: 'pending' }));
    const retried = await submit(key);
    expect(retried.status).toBe(201);
    expect(retried.body.order_token).toBe('ord_retry');
    expect(skippay.requests).toHaveLength(2);
    expect(await submit(key)).toMatchObject({ status: 201, body: retried.body });
    expect(skippay.requests).toHaveLength(2);
  });

  it('a timed-out first call is not stored either', async () => {
    const key = newKey();
    skippay.answer({ kind: 'hang' });
    setEnvironment({ UPSTREAM_TIMEOUT_MS: '200' });
    expect((await submit(key)).body.error.code).toBe('UPSTREAM_TIMEOUT');
    skippay.answer(json(201, { hash: 'ord_after_timeout' }));
    expect((await submit(key)).body.order_token).toBe('ord_after_timeout');
  });

  it('different keys are different orders; no key means no idempotency', async () => {
    await submit(newKey());
    await submit(newKey());
    await invoke(handler, { body: order });
    await invoke(handler, { body: order });
    expect(skippay.requests).toHaveLength(4);
  });

  it('keys are scoped per authenticated caller: another clinic with the same key gets its own order', async () => {
    const key = newKey();
    const asCaller = async (sub: string, hash: string) => {
      skippay.answer(json(201, { hash }));
      const event = httpEvent({ body: order, headers: { 'idempotency-key': key } });
      (event.requestContext as unknown as Record<string, unknown>).authorizer = {
        jwt: { claims: { iss: 'https://idp.example', sub }, scopes: null },
      };
      const result = await handler(event, lambdaContext());
      return JSON.parse(result.body ?? '{}');
    };
    expect((await asCaller('clinic-a', 'ord_a')).order_token).toBe('ord_a');
    expect((await asCaller('clinic-b', 'ord_b')).order_token).toBe('ord_b');
    expect((await asCaller('clinic-a', 'ord_c')).order_token).toBe('ord_a');
    expect(skippay.requests).toHaveLength(2);
  });

  it('stores the answer for 24 h under an idempotency# id, without the request body', async () => {
    const key = newKey();
    await submit(key);
    const records = await table.items('idempotency#create-order#');
    expect(records.length).toBeGreaterThan(0);
    const record = records.find((item) => item.data?.body?.order_token === 'ord_abc123');
    expect(record).toMatchObject({ status: 'COMPLETED', data: { statusCode: 201 } });
    const lifetime = (record?.expiration as number) - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(24 * 3600 - 60);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600 + 1);
    const stored = JSON.stringify(records);
    for (const personal of ['12345678', 'ana.perez', 'Pérez', '912345678', key]) expect(stored).not.toContain(personal);
  });

  it('DynamoDB unreachable → 500 INTERNAL_ERROR and SkipPay not called', async () => {
    const restore = setEnvironment({ PAYMENTS_TABLE: 'no-such-table' });
    const res = await submit(newKey());
    restore();
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
    expect(skippay.requests).toHaveLength(0);
  });

  it('logs no personal data nor the Idempotency-Key body', () => {
    const text = output.text();
    expect(text).toContain('idempotent replay');
    for (const needle of [SKIP_TEST_SECRET.SKIPPAY_CLIENT_SECRET, '12.345.678-5', '12345678-5', 'ana.perez@example.cl', '912345678']) {
      expect(text).not.toContain(needle);
    }
  });
});

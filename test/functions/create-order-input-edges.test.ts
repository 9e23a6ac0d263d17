// POST /v1/orders at the input's edges (issue 15): an Idempotency-Key a trimming proxy would change, and
// names with nothing visible. Each is refused with the field's path, before SkipPay or the table is reached.
import { beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { handler } from '../../functions/create-order/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { setEnvironment } from '../support/env.ts';
import { sampleOrder } from '../support/fixtures.ts';
import { invoke } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { json, useProviderStub } from '../support/provider-stub.ts';
import { mockSecrets, SKIP_TEST_SECRET } from '../support/secrets.ts';

captureOutput();
const table = usePaymentsTable();
const secrets = mockSecrets({ 'clinic-payments/local/skip': SKIP_TEST_SECRET });
const skippay = useProviderStub();
const validOrder = sampleOrder;

beforeEach(() => {
  skippay.answer(json(201, { hash: 'ord_abc123', status: 'pending' }));
  secrets.answer({ 'clinic-payments/local/skip': SKIP_TEST_SECRET });
  resetSecretsCache();
  setEnvironment({
    STAGE: 'local',
    SKIPPAY_API_URL: skippay.url,
    SKIP_SECRET_ID: 'clinic-payments/local/skip',
    UPSTREAM_TIMEOUT_MS: '1500',
    PAYMENTS_TABLE: table.name,
  });
});

describe('POST /v1/orders: input edges never reach SkipPay', () => {
  it('a well-formed key still passes (the refusals below are about the edges)', async () => {
    expect((await invoke(handler, { body: validOrder, headers: { 'idempotency-key': 'key 1' } })).status).toBe(201);
  });

  const keyCases = [
    { name: 'an Idempotency-Key of spaces only', key: '   ' },
    { name: 'an Idempotency-Key with a leading space', key: ' key-1' },
    { name: 'an Idempotency-Key with a trailing space', key: 'key-1 ' },
    { name: 'an Idempotency-Key with a tab inside', key: 'key\t1' },
  ].map((c) => ({ ...c, status: 400, code: 'VALIDATION_ERROR' }));
  it.each(keyCases)('$name → $status $code at headers.idempotency-key', async ({ key, status, code }) => {
    const before = skippay.requests.length;
    const res = await invoke(handler, { body: validOrder, headers: { 'idempotency-key': key } });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, details: [{ path: 'headers.idempotency-key', message: expect.any(String) }] });
    expect(skippay.requests).toHaveLength(before);
  });

  const invisibleNameCases = [
    { name: 'names of only a zero-width space', value: '\u200B' },
    { name: 'names of only word joiners', value: '\u2060\u2060' },
    { name: 'names of only a Hangul filler', value: '\u3164' },
    { name: 'names of only a soft hyphen', value: '\u00AD' },
    { name: 'names of only tag characters', value: '\u{E0041}\u{E0042}' },
    { name: 'names of only private use', value: '\uE000' },
  ].map((c) => ({ ...c, status: 400, code: 'VALIDATION_ERROR' }));
  it.each(invisibleNameCases)('$name → $status $code at customer.first_name and last_name', async ({ value, status, code }) => {
    const before = skippay.requests.length;
    const res = await invoke(handler, { body: { ...validOrder, customer: { ...validOrder.customer, first_name: value, last_name: value } } });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['customer.first_name', 'customer.last_name']);
    expect(skippay.requests).toHaveLength(before);
  });
});

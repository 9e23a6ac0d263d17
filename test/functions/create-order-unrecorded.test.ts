// SkipPay created the order (it answered 201), then our own order/attempt write failed (issue 15: failing well
// on our own dependencies). The caller gets the contract's answer (503 DEPENDENCY_UNAVAILABLE for a hung or
// refusing table, within the request's budget), DependencyUnavailable is counted, and the order SkipPay holds is
// named for reconciliation: an `uncertain#create-order#<reference>` record with its order token
// (ORDER_NOT_RECORDED), or, when the table stays down, the ERROR log line that stands for it. With and without
// Idempotency-Key. No personal data in either.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { DEPENDENCY_BUDGETS, FUNCTION_TIMEOUT_SECONDS } from '#shared/limits.ts';
import { keyedReference } from '#shared/state/idempotency.ts';
import { itemId } from '#shared/state/keys.ts';
import type * as Orders from '#shared/state/orders.ts';
import { handler } from '../../functions/create-order/handler.ts';
import { useBreakableTable, usePaymentsTable } from '../support/dynamo.ts';
import { setEnvironment } from '../support/env.ts';
import { samplePatient, samplePatientCanonical, sampleOrder } from '../support/fixtures.ts';
import { CLINIC_A, invoke, ownerOfClaims } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { json, useProviderStub } from '../support/provider-stub.ts';
import { mockSecrets, SKIP_TEST_SECRET } from '../support/secrets.ts';

type OrdersModule = typeof Orders;
/** What the table does from the moment create-order starts recording SkipPay's order. */
type Fault = 'refused' | 'hung';
const plan: { fault?: Fault; until?: 'order write settled' | 'end of request'; afterRecorded?: Fault } = {};
vi.mock('#shared/state/orders.ts', async (importOriginal) => {
  const original = await importOriginal<OrdersModule>();
  return {
    ...original,
    openOrder: async (...args: Parameters<typeof original.openOrder>) => {
      if (plan.fault === 'refused') dynamo.break();
      if (plan.fault === 'hung') dynamo.hang();
      try {
        return await original.openOrder(...args);
      } finally {
        if (plan.until === 'order write settled') dynamo.heal();
      }
    },
    // The order and its attempt recorded; the table fails for what follows (the key's answer).
    addAttempt: async (...args: Parameters<typeof original.addAttempt>) => {
      const attempt = await original.addAttempt(...args);
      if (plan.afterRecorded === 'refused') dynamo.break();
      if (plan.afterRecorded === 'hung') dynamo.hang();
      return attempt;
    },
  };
});

const output = captureOutput();
const table = usePaymentsTable();
mockSecrets({ skip: SKIP_TEST_SECRET });
const skippay = useProviderStub();
const dynamo = useBreakableTable(table);
beforeEach(() => {
  resetSecretsCache();
  setEnvironment({ STAGE: 'local', SKIPPAY_API_URL: skippay.url, SKIP_SECRET_ID: 'skip', UPSTREAM_TIMEOUT_MS: '1500', PAYMENTS_TABLE: table.name });
});
afterEach(() => {
  plan.fault = undefined;
  plan.until = undefined;
  plan.afterRecorded = undefined;
  dynamo.heal();
});

const OWNER = ownerOfClaims(CLINIC_A);
const { reference: _reference, ...order } = sampleOrder;
let serial = 0;
const LAMBDA_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS * 1_000;
const CALL_BUDGET_MS = DEPENDENCY_BUDGETS.dynamodb.callTimeoutMs;

const parsedSince = (mark: number): Record<string, unknown>[] =>
  output.linesSince(mark).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
const sentReference = (): string => String((skippay.requests.at(-1)?.json as { reference?: unknown }).reference);

interface Case {
  name: string;
  keyed: boolean;
  fault: Fault;
  until: 'order write settled' | 'end of request';
  /** Longest the whole request may take: DynamoDB calls it waits on, each within its budget. */
  withinMs: number;
}
const cases: Case[] = [
  { name: 'refused for the order write, with Idempotency-Key', keyed: true, fault: 'refused', until: 'order write settled', withinMs: CALL_BUDGET_MS + 1_500 },
  { name: 'refused for the order write, without a key', keyed: false, fault: 'refused', until: 'order write settled', withinMs: CALL_BUDGET_MS + 1_500 },
  { name: 'hung for the order write, with Idempotency-Key', keyed: true, fault: 'hung', until: 'order write settled', withinMs: CALL_BUDGET_MS + 1_500 },
  { name: 'hung for the order write, without a key', keyed: false, fault: 'hung', until: 'order write settled', withinMs: CALL_BUDGET_MS + 1_500 },
  // The record cannot be written either: the log line is the record. Order write, record, key release.
  { name: 'refused from then on, with Idempotency-Key', keyed: true, fault: 'refused', until: 'end of request', withinMs: CALL_BUDGET_MS + 1_500 },
  { name: 'refused from then on, without a key', keyed: false, fault: 'refused', until: 'end of request', withinMs: CALL_BUDGET_MS + 1_500 },
  { name: 'hung from then on, with Idempotency-Key', keyed: true, fault: 'hung', until: 'end of request', withinMs: 3 * CALL_BUDGET_MS + 1_500 },
  { name: 'hung from then on, without a key', keyed: false, fault: 'hung', until: 'end of request', withinMs: 2 * CALL_BUDGET_MS + 1_500 },
];

describe('POST /v1/orders: SkipPay created the order, the table failed recording it', () => {
  it.each(cases)('$name → 503 DEPENDENCY_UNAVAILABLE, counted, the order token named for reconciliation', async ({ keyed, fault, until, withinMs }) => {
    expect(withinMs).toBeLessThan(LAMBDA_TIMEOUT_MS / 2);
    const hash = `ord_unrecorded_${(serial += 1)}`;
    skippay.answer(json(201, { hash, status: 'pending' }));
    const key = `checkout-unrecorded-${serial}`;
    plan.fault = fault;
    plan.until = until;
    const mark = output.mark();
    const started = performance.now();
    const answer = await invoke(handler, { body: order, headers: keyed ? { 'idempotency-key': key } : {} });
    const elapsed = performance.now() - started;
    dynamo.heal();

    expect(answer).toMatchObject({ status: 503, body: { error: { code: 'DEPENDENCY_UNAVAILABLE' } } });
    expect(elapsed).toBeLessThan(withinMs);
    expect(skippay.requests).toHaveLength(1);
    const reference = sentReference();
    if (keyed) expect(reference).toBe(keyedReference(OWNER, key));
    const lines = parsedSince(mark);
    expect(lines.find((line) => 'DependencyUnavailable' in line)).toMatchObject({ dependency: 'dynamodb', DependencyUnavailable: 1 });
    expect(lines.find((line) => line.message === 'request failed')).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });

    const record = await table.get(itemId.uncertainOutcome('create-order', reference));
    if (until === 'order write settled') {
      // The table was back for the record: reconciliation finds SkipPay's order under its reference.
      expect(record).toMatchObject({ reference, last_outcome: 'ORDER_NOT_RECORDED', order_tokens: [hash], outcomes: 1 });
      expect(record?.key_hash).toEqual(keyed ? expect.stringMatching(/^[0-9a-f]{64}$/) : undefined);
    } else {
      // Still down: the ERROR line is the record (CloudWatch Logs), with the same fields.
      expect(record).toBeUndefined();
      expect(lines.find((line) => line.message === 'uncertain outcome not recorded')).toMatchObject({
        level: 'ERROR',
        reference,
        outcome: 'ORDER_NOT_RECORDED',
        order_token: hash,
      });
    }
    // Nothing of the patient's in the record or the lines, and no 201 for an order webhooks could not move.
    const written = JSON.stringify([record, lines]);
    for (const datum of [samplePatient.email, samplePatient.rut, samplePatientCanonical.rut, samplePatient.last_name, samplePatientCanonical.phone_number]) {
      expect(written).not.toContain(datum);
    }
    expect(await table.get(itemId.attempt('skippay', hash))).toBeUndefined();
  });

  it('with the key released, the retry reaches SkipPay with the same reference, and the record names both orders', async () => {
    const key = `checkout-unrecorded-retry-${(serial += 1)}`;
    const reference = keyedReference(OWNER, key);
    skippay.answer(json(201, { hash: 'ord_first_unrecorded', status: 'pending' }));
    plan.fault = 'refused';
    plan.until = 'order write settled';
    expect((await invoke(handler, { body: order, headers: { 'idempotency-key': key } })).status).toBe(503);
    plan.fault = undefined;
    skippay.answer(json(201, { hash: 'ord_second', status: 'pending' }));
    const retry = await invoke(handler, { body: order, headers: { 'idempotency-key': key } });
    expect(retry).toMatchObject({ status: 201, body: { order_token: 'ord_second', reference } });
    expect(skippay.requests.map((request) => (request.json as { reference: string }).reference)).toEqual([reference, reference]);
    // ord_first_unrecorded is the duplicate: SkipPay holds it under the same reference, we never answered it.
    expect(await table.get(itemId.uncertainOutcome('create-order', reference))).toMatchObject({ order_tokens: ['ord_first_unrecorded'], last_outcome: 'ORDER_NOT_RECORDED' });
  });
});

describe('POST /v1/orders: SkipPay answered, and a conditional write refused our record of it', () => {
  const attemptOfAnotherOrder = (hash: string, expiration: number) => ({
    id: itemId.attempt('skippay', hash),
    provider: 'skippay',
    provider_id: hash,
    owner: 'https://issuer.test|clinic-b',
    order: itemId.order('https://issuer.test|clinic-b', 'skippay', hash),
    order_id: hash,
    amount: 1,
    status: 'pending',
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    version: 1,
    expiration,
  });
  const conditional: { name: string; keyed: boolean; expiration: number; status: number; code?: string; answer: string }[] = [
    // SkipPay handed out a hash another order's live attempt holds (a provider bug): never taken over.
    { name: 'a live attempt of another order holds the hash, with Idempotency-Key', keyed: true, expiration: Math.floor(Date.now() / 1000) + 3_600, status: 500, code: 'INTERNAL_ERROR', answer: '500 INTERNAL_ERROR, recorded' },
    { name: 'a live attempt of another order holds the hash, without a key', keyed: false, expiration: Math.floor(Date.now() / 1000) + 3_600, status: 500, code: 'INTERNAL_ERROR', answer: '500 INTERNAL_ERROR, recorded' },
    // Expired but not yet deleted by TTL: absent (item 2), so the order is recorded.
    { name: 'an expired attempt TTL has not deleted holds the hash', keyed: true, expiration: Math.floor(Date.now() / 1000) - 60, status: 201, answer: '201, the order recorded' },
  ];
  it.each(conditional)('$name → $answer', async ({ keyed, expiration, status, code }) => {
    const hash = `ord_conditional_${(serial += 1)}`;
    await table.put(attemptOfAnotherOrder(hash, expiration));
    skippay.answer(json(201, { hash, status: 'pending' }));
    const mark = output.mark();
    const answer = await invoke(handler, { body: order, headers: keyed ? { 'idempotency-key': `checkout-conditional-${serial}` } : {} });
    expect(answer.status).toBe(status);
    const reference = sentReference();
    const record = await table.get(itemId.uncertainOutcome('create-order', reference));
    if (status === 201) {
      expect(answer.body).toMatchObject({ order_token: hash, reference });
      expect(record).toBeUndefined();
      expect(await table.get(itemId.attempt('skippay', hash))).toMatchObject({ owner: OWNER, amount: order.total_amount });
      return;
    }
    expect(answer.body.error.code).toBe(code);
    // One record, with the order token: not also counted again as a plain INTERNAL_ERROR by the key's wrapper.
    expect(record).toMatchObject({ reference, last_outcome: 'ORDER_NOT_RECORDED', order_tokens: [hash], outcomes: 1 });
    expect(parsedSince(mark).some((line) => 'DependencyUnavailable' in line)).toBe(false);
  });
});

describe('POST /v1/orders: the order recorded, then the table failed storing the key\'s answer', () => {
  const cases: { name: string; fault: Fault }[] = [
    { name: 'table hung', fault: 'hung' },
    { name: 'table refusing', fault: 'refused' },
  ];
  it.each(cases)('$name → 201 with the order within the budget, ANSWER_NOT_STORED logged with its token', async ({ fault }) => {
    const hash = `ord_answer_unstored_${(serial += 1)}`;
    skippay.answer(json(201, { hash, status: 'pending' }));
    const key = `checkout-answer-${serial}`;
    plan.afterRecorded = fault;
    const mark = output.mark();
    const started = performance.now();
    const answer = await invoke(handler, { body: order, headers: { 'idempotency-key': key } });
    const elapsed = performance.now() - started;
    dynamo.heal();
    const reference = keyedReference(OWNER, key);
    expect(answer).toMatchObject({ status: 201, body: { order_token: hash, reference } });
    // The key's answer, then the record of it: two DynamoDB calls, each within its budget.
    expect(elapsed).toBeLessThan(2 * CALL_BUDGET_MS + 1_500);
    expect(parsedSince(mark).find((line) => line.message === 'uncertain outcome not recorded')).toMatchObject({ reference, outcome: 'ANSWER_NOT_STORED', order_token: hash });
    // The order itself is known: webhooks and pulls move it.
    expect(await table.get(itemId.attempt('skippay', hash))).toMatchObject({ owner: OWNER, status: 'pending' });
  });
});

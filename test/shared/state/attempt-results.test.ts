// The one record function and its events: every order status change is exactly one Payment Status Changed
// event (also when results race), a word that changes no status publishes nothing, and a final attempt
// leaves the due-attempts index. Against dynalite and the EventBridge stand-in.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetEventBridgeClient } from '#shared/events/payment-events.ts';
import { recordAttemptResult } from '#shared/state/attempt-results.ts';
import { itemId } from '#shared/state/keys.ts';
import { addAttempt, findAttempt, openOrder } from '#shared/state/orders.ts';
import { outcomeOf } from '#shared/state/transitions.ts';
import { startEventBridgeStandIn, type EventBridgeStandIn } from '../../../local/eventbridge-standin.ts';
import { usePaymentsTable } from '../../support/dynamo.ts';
import { setEnvironment } from '../../support/env.ts';
import { captureOutput } from '../../support/logs.ts';

captureOutput();
const table = usePaymentsTable('attempt-results-test');
const OWNER = 'https://issuer.test|clinic-a';
let bus: EventBridgeStandIn;
beforeAll(async () => {
  bus = await startEventBridgeStandIn({ buses: ['clinic-payments-test'] });
});
afterAll(() => bus.close());
beforeEach(() => {
  bus.events.length = 0;
  resetEventBridgeClient();
  setEnvironment({ STAGE: 'local', PAYMENTS_EVENT_BUS: 'clinic-payments-test', AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint });
});

const orderWithAttempt = async (id: string, amount = 5000) => {
  const { order } = await openOrder(table.name, { owner: OWNER, provider: 'etpay', id, amount });
  return addAttempt(table.name, order, { provider: 'etpay', providerId: `att_${id}`, amount });
};
const result = (status: string, amount = 5000) => ({ outcome: outcomeOf('etpay', status), providerStatus: status, amount });
const statusesOf = (id: string) => bus.events.filter((event) => (event.detail as { id: string }).id === id).map((event) => (event.detail as { status: string }).status);

describe('recordAttemptResult publishes each order status change once', () => {
  it('pending word (no status change) → no event; failure → failed; a new attempt succeeds → paid', async () => {
    const attempt = await orderWithAttempt('OC-E1');
    await recordAttemptResult(table.name, attempt, result('in_progress'));
    expect(statusesOf('OC-E1')).toEqual([]);
    await recordAttemptResult(table.name, attempt, result('error'));
    expect(statusesOf('OC-E1')).toEqual(['failed']);
    const second = await addAttempt(table.name, (await openOrder(table.name, { owner: OWNER, provider: 'etpay', id: 'OC-E1', amount: 5000 })).order, {
      provider: 'etpay',
      providerId: 'att_OC-E1-2',
      amount: 5000,
    });
    await recordAttemptResult(table.name, second, result('success'));
    await recordAttemptResult(table.name, second, result('success'));
    expect(statusesOf('OC-E1')).toEqual(['failed', 'paid']);
    expect(bus.events.at(-1)?.detail).toEqual({ provider: 'etpay', id: 'OC-E1', owner: OWNER, status: 'paid', paid: true, amount: 5000, updated_at: expect.any(String) });
  });

  it('five identical successes racing → one paid event', async () => {
    const attempt = await orderWithAttempt('OC-E2');
    await Promise.all(Array.from({ length: 5 }, () => recordAttemptResult(table.name, attempt, result('success'))));
    expect(statusesOf('OC-E2')).toEqual(['paid']);
  });

  it('a success of another amount → one needs_review event', async () => {
    const attempt = await orderWithAttempt('OC-E3');
    await recordAttemptResult(table.name, attempt, result('success', 4000));
    expect(statusesOf('OC-E3')).toEqual(['needs_review']);
  });

  it('a final answer takes the attempt out of the due-attempts index; a pending one keeps it', async () => {
    const attempt = await orderWithAttempt('OC-E4');
    await recordAttemptResult(table.name, attempt, result('in_progress'));
    expect(await table.get(itemId.attempt('etpay', 'att_OC-E4'))).toMatchObject({ due_shard: 'due#etpay', due_checks: 0 });
    await recordAttemptResult(table.name, attempt, result('error'));
    const stored = await table.get(itemId.attempt('etpay', 'att_OC-E4'));
    expect(stored).toMatchObject({ status: 'failed' });
    expect(stored).not.toHaveProperty('due_shard');
    expect(stored).not.toHaveProperty('next_check_at');
  });

  it('a replay about an attempt already final and out of the index reads, and writes nothing', async () => {
    const attempt = await orderWithAttempt('OC-E5');
    const { attempt: returned } = await recordAttemptResult(table.name, attempt, result('success'));
    expect(returned).not.toHaveProperty('due_shard');
    const reread = await findAttempt(table.name, 'etpay', 'att_OC-E5');
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    try {
      for (const replayed of [returned, reread!]) await recordAttemptResult(table.name, replayed, result('success'));
      const commands = send.mock.calls.map(([command]) => command.constructor.name);
      expect(commands.length).toBeGreaterThan(0);
      expect(commands.filter((name) => !/^(Get|Query)Command$/.test(name))).toEqual([]);
    } finally {
      send.mockRestore();
    }
    expect(statusesOf('OC-E5')).toEqual(['paid']);
  });

  it('a not-final word arriving after a failure (a pull begun before the notification) leaves the attempt and the order failed', async () => {
    const readBeforeTheFailure = await orderWithAttempt('OC-E6');
    await recordAttemptResult(table.name, readBeforeTheFailure, result('error'));
    await recordAttemptResult(table.name, readBeforeTheFailure, result('in_progress'));
    expect(await table.get(itemId.attempt('etpay', 'att_OC-E6'))).toMatchObject({ status: 'failed' });
    expect((await table.get(readBeforeTheFailure.order))?.status).toBe('failed');
    expect(statusesOf('OC-E6')).toEqual(['failed']);
  });

  it('a failure word about an attempt that already succeeded (its order write failed midway) moves the order to paid, not failed', async () => {
    const attempt = await orderWithAttempt('OC-E7');
    // What recordAttemptResult leaves when the order write fails after the attempt write: succeeded, still due.
    await table.set(itemId.attempt('etpay', 'att_OC-E7'), { status: 'succeeded', paid_amount: 5000, provider_status: 'success', version: 2, next_check_at: new Date().toISOString() });
    await recordAttemptResult(table.name, (await findAttempt(table.name, 'etpay', 'att_OC-E7'))!, result('error'));
    expect((await table.get(attempt.order))?.status).toBe('paid');
    expect(statusesOf('OC-E7')).toEqual(['paid']);
    expect(await table.get(itemId.attempt('etpay', 'att_OC-E7'))).not.toHaveProperty('due_shard');
  });
});

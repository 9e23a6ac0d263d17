// The payment-state store on its own, against dynalite: a result moves its attempt and its order by the
// rules (paid never reverts), a provider record is written once, and a record whose effects failed is
// removed so the provider's retry is not taken for a replay.
import { describe, expect, it } from 'vitest';
import { itemId } from '#shared/state/keys.ts';
import { recordAttemptResult } from '#shared/state/attempt-results.ts';
import { addAttempt, getOrder, openOrder } from '#shared/state/orders.ts';
import { recordOnce } from '#shared/state/table.ts';
import { outcomeOf } from '#shared/state/transitions.ts';
import { usePaymentsTable } from '../../support/dynamo.ts';

const table = usePaymentsTable();
const OWNER = 'https://issuer.test|clinic-a';

/** An order of `amount` with one attempt, as the session and order routes record them. */
const orderWithAttempt = async (provider: 'etpay' | 'skippay', id: string, amount: number) => {
  const { order } = await openOrder(table.name, { owner: OWNER, provider, id, amount });
  return addAttempt(table.name, order, { provider, providerId: `att_${id}`, amount });
};
const result = (provider: 'etpay' | 'skippay', status: string, amount: number) => ({
  outcome: outcomeOf(provider, status),
  providerStatus: status,
  amount,
});

describe('recordAttemptResult', () => {
  it('moves an unpaid order to its latest status', async () => {
    const attempt = await orderWithAttempt('etpay', 'OC-S1', 5000);
    await recordAttemptResult(table.name, attempt, result('etpay', 'pending', 5000));
    await recordAttemptResult(table.name, attempt, result('etpay', 'cancelled', 5000));
    expect(await getOrder(table.name, OWNER, 'etpay', 'OC-S1')).toMatchObject({
      provider: 'etpay',
      order_id: 'OC-S1',
      status: 'failed',
      provider_status: 'cancelled',
    });
  });

  it('never turns a paid order back into an unpaid one (a late or out-of-order result)', async () => {
    const attempt = await orderWithAttempt('skippay', 'ord_S2', 7000);
    await recordAttemptResult(table.name, attempt, result('skippay', 'paid', 7000));
    await recordAttemptResult(table.name, attempt, result('skippay', 'pending', 7000));
    await recordAttemptResult(table.name, attempt, result('skippay', 'failed', 7000));
    expect(await getOrder(table.name, OWNER, 'skippay', 'ord_S2')).toMatchObject({ status: 'paid', provider_status: 'paid' });
  });

  it('knows nothing of an order never recorded, nor of another owner\'s', async () => {
    await orderWithAttempt('etpay', 'OC-S5', 1000);
    expect(await getOrder(table.name, OWNER, 'etpay', 'OC-never')).toBeUndefined();
    expect(await getOrder(table.name, 'https://issuer.test|clinic-b', 'etpay', 'OC-S5')).toBeUndefined();
  });
});

describe('recordOnce', () => {
  const record = (id: string) => ({ id: itemId.etpayPayment('sess_S', id), expiration: Math.floor(Date.now() / 1000) + 3600 });

  it('applies the effects on the first write only: true, then false for a replay', async () => {
    let effects = 0;
    const apply = (): Promise<void> => {
      effects += 1;
      return Promise.resolve();
    };
    expect(await recordOnce(table.name, record('pay_S3'), apply)).toBe(true);
    expect(await recordOnce(table.name, record('pay_S3'), apply)).toBe(false);
    expect(effects).toBe(1);
  });

  it('removes the record when its effects fail, so the retry is applied', async () => {
    await expect(recordOnce(table.name, record('pay_S4'), () => Promise.reject(new Error('state down')))).rejects.toThrow('state down');
    expect(await table.get(itemId.etpayPayment('sess_S', 'pay_S4'))).toBeUndefined();
    expect(await recordOnce(table.name, record('pay_S4'), () => Promise.resolve())).toBe(true);
  });
});

// TTL deletion runs up to days late: an item past its `expiration` that DynamoDB still holds must be treated as
// absent by every conditional write, as getItem already reads it (issue 15 item 2).
describe('expired items DynamoDB has not deleted yet', () => {
  const expired = () => Math.floor(Date.now() / 1000) - 60;
  const cases: { name: string; provider: 'etpay' | 'skippay'; id: string }[] = [
    { name: 'an ETpay order (merchant_order_id chosen again by the clinic)', provider: 'etpay', id: 'OC-EXP1' },
    { name: 'a SkipPay order', provider: 'skippay', id: 'ord_EXP2' },
  ];
  it.each(cases)('openOrder over $name → a new pending order, not a 500', async ({ provider, id }) => {
    const stale = await openOrder(table.name, { owner: OWNER, provider, id, amount: 1000 });
    await table.put({ ...(await table.get(stale.order.id)), status: 'paid', attempts: 3, expiration: expired() });
    const { order, created } = await openOrder(table.name, { owner: OWNER, provider, id, amount: 2500 });
    expect(created).toBe(true);
    expect(order).toMatchObject({ status: 'pending', amount: 2500, attempts: 0, version: 1 });
    expect(await getOrder(table.name, OWNER, provider, id)).toMatchObject({ status: 'pending', amount: 2500, attempts: 0 });
  });

  it('addAttempt over an expired attempt of another order → recorded for this order, not "attempt id of another order"', async () => {
    const old = await orderWithAttempt('etpay', 'OC-EXP3', 1000);
    await table.put({ ...(await table.get(old.id)), expiration: expired() });
    const { order } = await openOrder(table.name, { owner: OWNER, provider: 'etpay', id: 'OC-EXP4', amount: 4000 });
    const attempt = await addAttempt(table.name, order, { provider: 'etpay', providerId: 'att_OC-EXP3', amount: 4000 });
    expect(attempt).toMatchObject({ order: order.id, amount: 4000, status: 'pending' });
    expect(await getOrder(table.name, OWNER, 'etpay', 'OC-EXP4')).toMatchObject({ attempts: 1, latest_attempt: 'att_OC-EXP3' });
  });

  it('a live attempt of another order is still never taken over', async () => {
    await orderWithAttempt('etpay', 'OC-EXP5', 1000);
    const { order } = await openOrder(table.name, { owner: OWNER, provider: 'etpay', id: 'OC-EXP6', amount: 1000 });
    await expect(addAttempt(table.name, order, { provider: 'etpay', providerId: 'att_OC-EXP5', amount: 1000 })).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
  });
});

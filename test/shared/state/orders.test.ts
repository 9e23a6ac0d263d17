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

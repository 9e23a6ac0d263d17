// The payment-state rules on their own, against dynalite: paid never reverts, a provider record is written
// once, and a record whose effects failed is removed so the provider's retry is not taken for a replay.
import { describe, expect, it } from 'vitest';
import { itemId } from '#shared/state/keys.ts';
import { getPaymentState, recordOnce, recordPaymentState } from '#shared/state/payment-state.ts';
import { usePaymentsTable } from '../../support/dynamo.ts';

const table = usePaymentsTable();

describe('recordPaymentState', () => {
  it('moves an unpaid order to its latest status', async () => {
    await recordPaymentState(table.name, 'etpay', 'OC-S1', { status: 'pending', paid: false });
    await recordPaymentState(table.name, 'etpay', 'OC-S1', { status: 'cancelled', paid: false });
    expect(await getPaymentState(table.name, 'etpay', 'OC-S1')).toMatchObject({ provider: 'etpay', id: 'OC-S1', status: 'cancelled', paid: false });
  });

  it('never turns a paid order back into an unpaid one (a late or out-of-order result)', async () => {
    await recordPaymentState(table.name, 'skippay', 'ord_S2', { status: 'paid', paid: true });
    await recordPaymentState(table.name, 'skippay', 'ord_S2', { status: 'pending', paid: false });
    expect(await getPaymentState(table.name, 'skippay', 'ord_S2')).toMatchObject({ status: 'paid', paid: true });
  });

  it('knows nothing of an order never recorded', async () => {
    expect(await getPaymentState(table.name, 'etpay', 'OC-never')).toBeUndefined();
  });
});

describe('recordOnce', () => {
  const record = (id: string) => ({ id: itemId.etpayPayment(id), expiration: Math.floor(Date.now() / 1000) + 3600 });

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
    expect(await table.get(itemId.etpayPayment('pay_S4'))).toBeUndefined();
    expect(await recordOnce(table.name, record('pay_S4'), () => Promise.resolve())).toBe(true);
  });
});

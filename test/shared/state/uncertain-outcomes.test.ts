// The uncertain-outcome record on its own, against dynalite: outcomes of one reference add up while the record
// lives; one past its expiry that TTL has not deleted yet is started afresh, not resurrected with its old
// order tokens (TTL deletion lags up to days).
import { describe, expect, it } from 'vitest';
import { itemId } from '#shared/state/keys.ts';
import { ORDER_NOT_RECORDED, recordUncertainOutcome } from '#shared/state/uncertain-outcomes.ts';
import { usePaymentsTable } from '../../support/dynamo.ts';
import { captureOutput } from '../../support/logs.ts';

captureOutput();
const table = usePaymentsTable();
const base = { functionName: 'create-order', keyHash: 'a'.repeat(64) };

describe('recordUncertainOutcome', () => {
  it('adds outcomes of one reference: count, last outcome, every order token', async () => {
    await recordUncertainOutcome({ ...base, table: table.name, reference: 'REF-LIVE', outcome: 'UPSTREAM_TIMEOUT' });
    await recordUncertainOutcome({ ...base, table: table.name, reference: 'REF-LIVE', outcome: ORDER_NOT_RECORDED, orderToken: 'ord_1' });
    expect(await table.get(itemId.uncertainOutcome('create-order', 'REF-LIVE'))).toMatchObject({
      reference: 'REF-LIVE',
      outcomes: 2,
      last_outcome: ORDER_NOT_RECORDED,
      order_tokens: ['ord_1'],
      key_hash: base.keyHash,
    });
  });

  it('over a record past its expiry that DynamoDB still holds: a new record, old tokens and count gone', async () => {
    const id = itemId.uncertainOutcome('create-order', 'REF-EXPIRED');
    await table.put({
      id,
      reference: 'REF-EXPIRED',
      outcomes: 4,
      last_outcome: 'UPSTREAM_TIMEOUT',
      first_at: '2026-01-01T00:00:00.000Z',
      last_at: '2026-01-02T00:00:00.000Z',
      order_tokens: ['ord_old'],
      key_hash: 'b'.repeat(64),
      expiration: Math.floor(Date.now() / 1000) - 60,
    });
    await recordUncertainOutcome({ ...base, table: table.name, reference: 'REF-EXPIRED', outcome: ORDER_NOT_RECORDED, orderToken: 'ord_new' });
    const record = await table.get(id);
    expect(record).toMatchObject({ outcomes: 1, last_outcome: ORDER_NOT_RECORDED, order_tokens: ['ord_new'], key_hash: base.keyHash });
    expect(record?.first_at).toBe(record?.last_at);
    expect(record?.expiration).toBeGreaterThan(Date.now() / 1000);
  });

  it('a fresh record over an expired one keeps no key hash of another key when this request had none', async () => {
    const id = itemId.uncertainOutcome('create-order', 'REF-EXPIRED-2');
    await table.put({ id, reference: 'REF-EXPIRED-2', outcomes: 1, key_hash: 'c'.repeat(64), expiration: Math.floor(Date.now() / 1000) - 60 });
    await recordUncertainOutcome({ functionName: 'create-order', table: table.name, reference: 'REF-EXPIRED-2', outcome: 'UPSTREAM_UNAVAILABLE' });
    const record = await table.get(id);
    expect(record).toMatchObject({ outcomes: 1, last_outcome: 'UPSTREAM_UNAVAILABLE' });
    expect(record?.key_hash).toBeUndefined();
  });
});

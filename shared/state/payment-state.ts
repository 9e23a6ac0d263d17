// What the backend knows about a payment: provider records written once (replays recognised), and the
// latest state per order that GET /v1/payments/{provider}/{id} answers with.
import * as z from 'zod/mini';
import { ApiError } from '../errors.ts';
import { itemId, RETENTION_SECONDS, type PaymentProvider } from './keys.ts';
import { absent, deleteItem, expiresIn, getItem, putItem, putItemOnce, type StateItem } from './table.ts';

export interface PaymentState {
  provider: PaymentProvider;
  id: string;
  status: string;
  paid: boolean;
  updated_at: string;
}

const storedState = z.object({ status: z.string(), paid: z.boolean(), updated_at: z.string() });

/**
 * Records an order's latest state. `paid` is sticky: a later non-paid result (delivered out of order,
 * or an earlier failed attempt) never turns a paid order back into an unpaid one.
 */
export const recordPaymentState = async (
  table: string,
  provider: PaymentProvider,
  id: string,
  state: { status: string; paid: boolean },
): Promise<void> => {
  const item = {
    id: itemId.paymentState(provider, id),
    status: state.status,
    paid: state.paid,
    updated_at: new Date().toISOString(),
    expiration: expiresIn(RETENTION_SECONDS.paymentRecords),
  };
  if (state.paid) {
    await putItem(table, item);
    return;
  }
  const unlessPaid = absent();
  await putItem(table, item, {
    expression: `${unlessPaid.expression} OR #paid = :unpaid`,
    names: { ...unlessPaid.names, '#paid': 'paid' },
    values: { ...unlessPaid.values, ':unpaid': false },
  });
};

export const getPaymentState = async (table: string, provider: PaymentProvider, id: string): Promise<PaymentState | undefined> => {
  const item = await getItem(table, itemId.paymentState(provider, id));
  if (!item) return undefined;
  const parsed = storedState.safeParse(item);
  if (!parsed.success) throw new ApiError('INTERNAL_ERROR', { reason: `state: malformed ${provider}-order item` });
  return { provider, id, ...parsed.data };
};

/**
 * Writes a provider record once (its `id` says what it is) and applies its effects only on that first
 * write: true then, false for a replay. If the effects fail, the record is removed again so the
 * provider's retry is not mistaken for a replay.
 */
export const recordOnce = async (table: string, record: StateItem & { id: string }, effects: () => Promise<void>): Promise<boolean> => {
  if (!(await putItemOnce(table, record))) return false;
  try {
    await effects();
  } catch (error) {
    await deleteItem(table, record.id).catch(() => undefined);
    throw error;
  }
  return true;
};

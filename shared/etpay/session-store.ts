// Initialised ETpay sessions, kept server-side so a payment's result can be verified later with the
// session's signature_token. The record never leaves the backend and is never logged.
import * as z from 'zod/mini';
import { ApiError } from '../errors.ts';
import { itemId, RETENTION_SECONDS } from '../state/keys.ts';
import { expiresIn, getItem, putItem } from '../state/table.ts';

export interface EtpaySessionRecord {
  token: string;
  signature_token: string;
  merchant_order_id: string;
  order_amount: number;
  created_at: string;
}

const storedSession = z.object({
  token: z.string(),
  signature_token: z.string().check(z.minLength(1)),
  merchant_order_id: z.string(),
  order_amount: z.number(),
  created_at: z.string(),
});

export const recordEtpaySession = async (table: string, record: EtpaySessionRecord): Promise<void> => {
  await putItem(table, { id: itemId.etpaySession(record.token), ...record, expiration: expiresIn(RETENTION_SECONDS.etpaySession) });
};

/** The live session with that token, or undefined (never recorded, or expired). */
export const findEtpaySession = async (table: string, token: string): Promise<EtpaySessionRecord | undefined> => {
  const item = await getItem(table, itemId.etpaySession(token));
  if (!item) return undefined;
  const parsed = storedSession.safeParse(item);
  if (!parsed.success) throw new ApiError('INTERNAL_ERROR', { reason: 'state: malformed etpay-session item' });
  return parsed.data;
};

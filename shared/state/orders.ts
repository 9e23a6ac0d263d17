// Orders and their attempts in the payment-state table (keys in keys.ts, rules in transitions.ts).
// An order belongs to one owner and keeps its amount; an attempt (an ETpay session, the SkipPay order
// itself) is its own item naming its order. recordAttemptResult (attempt-results.ts) is the ONE way a
// provider's word about a payment reaches the state: confirmations, notifications, webhooks and status pulls.
import * as z from 'zod/mini';
import { ApiError } from '../errors.ts';
import { itemId, ownerKey, RETENTION_SECONDS, type PaymentProvider } from './keys.ts';
import { atVersion, expiresIn, getItem, putItem } from './table.ts';
import {
  ATTEMPT_STATUSES,
  ORDER_STATUSES,
} from './transitions.ts';
import { firstDue } from './due.ts';

const storedOrder = z.object({
  id: z.string(),
  owner: z.string(),
  provider: z.enum(['etpay', 'skippay']),
  order_id: z.string(),
  amount: z.number(),
  status: z.enum(ORDER_STATUSES),
  provider_status: z.optional(z.string()),
  attempts: z.number(),
  /** The provider id of the order's newest attempt. */
  latest_attempt: z.optional(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number(),
});
export type OrderRecord = z.output<typeof storedOrder>;

const storedAttempt = z.object({
  id: z.string(),
  provider: z.enum(['etpay', 'skippay']),
  provider_id: z.string(),
  owner: z.string(),
  /** The order item's id. */
  order: z.string(),
  order_id: z.string(),
  amount: z.number(),
  paid_amount: z.optional(z.number()),
  status: z.enum(ATTEMPT_STATUSES),
  provider_status: z.optional(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number(),
  /** ETpay only: the key its results are signed with. Never leaves the backend, never logged. */
  signature_token: z.optional(z.string().check(z.minLength(1))),
  /** Present while the attempt is in the due-attempts index (keys.ts DUE_ATTEMPTS_INDEX). */
  due_shard: z.optional(z.string()),
});
export type AttemptRecord = z.output<typeof storedAttempt>;

/**
 * What GET /v1/payments/{provider}/{id} and each listed item answer (contract v1.1): the contract's fields,
 * nothing internal. Both routes' response schemas (shared/routes/<name>/schema.ts) use this one.
 */
export const paymentViewSchema = z.strictObject({
  provider: z.enum(['etpay', 'skippay']),
  id: z.string(),
  status: z.enum(ORDER_STATUSES).register(z.globalRegistry, {
    description:
      'The order as this API judges it: `paid` only for a successful payment of the order\'s amount; `needs_review` when money moved for another amount; `failed`; otherwise `pending`.',
    examples: ['paid', 'pending'],
  }),
  paid: z.boolean().register(z.globalRegistry, {
    description: 'True only when the order is `paid`: the provider said the payment succeeded, for this order\'s amount.',
  }),
  amount: z.int(),
  provider_status: z.nullable(z.string()).register(z.globalRegistry, {
    description:
      'The provider\'s word for the latest attempt, as last recorded. ETpay: its `payment_status` (e.g. `success`, `error`). SkipPay: the order status (e.g. `paid`, `pending`).',
  }),
  attempts: z.int(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type PaymentView = z.output<typeof paymentViewSchema>;

export const paymentView = (order: OrderRecord): PaymentView => ({
  provider: order.provider,
  id: order.order_id,
  status: order.status,
  paid: order.status === 'paid',
  amount: order.amount,
  provider_status: order.provider_status ?? null,
  attempts: order.attempts,
  created_at: order.created_at,
  updated_at: order.updated_at,
});

const malformed = (kind: string): ApiError => new ApiError('INTERNAL_ERROR', { reason: `state: malformed ${kind} item` });

export const parseOrder = (item: Record<string, unknown>): OrderRecord => {
  const parsed = storedOrder.safeParse(item);
  if (!parsed.success) throw malformed('order');
  return parsed.data;
};

const RETENTION: Record<PaymentProvider, number> = {
  etpay: RETENTION_SECONDS.etpayAttempt,
  skippay: RETENTION_SECONDS.paymentRecords,
};
/** Read-modify-write rounds before giving up on a hot item (two results about one order at once). */
export const MAX_ROUNDS = 5;

/**
 * What a clinic route answers for an order the caller does not have: another owner's order and one never
 * created here get the same 404, so nobody learns whether someone else's order exists.
 */
export const unknownOrder = (): ApiError => new ApiError('NOT_FOUND', { message: 'No payment is known for this order.' });

/** The owner's order, or undefined: another owner's order reads exactly like an unknown one. */
export const getOrder = async (table: string, owner: string, provider: PaymentProvider, id: string): Promise<OrderRecord | undefined> => {
  const item = await getItem(table, itemId.order(owner, provider, id));
  return item ? parseOrder(item) : undefined;
};

/** The order as it is, created (`pending`, this amount, no attempts) if the owner has none by that id. */
export const openOrder = async (
  table: string,
  order: { owner: string; provider: PaymentProvider; id: string; amount: number; providerStatus?: string | undefined },
): Promise<{ order: OrderRecord; created: boolean }> => {
  const now = new Date().toISOString();
  const record: OrderRecord = {
    id: itemId.order(order.owner, order.provider, order.id),
    owner: order.owner,
    provider: order.provider,
    order_id: order.id,
    amount: order.amount,
    status: 'pending',
    provider_status: order.providerStatus,
    attempts: 0,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    // owner_key puts the order in the listing index; orders outlive their attempts for reconciliation.
    const item = { ...record, owner_key: ownerKey(order.owner), expiration: expiresIn(RETENTION_SECONDS.paymentRecords) };
    // atVersion(0): nothing live under the id; an expired order TTL has not deleted yet is replaced.
    if (await putItem(table, item, atVersion(0))) return { order: record, created: true };
    const existing = await getOrder(table, order.owner, order.provider, order.id);
    if (existing) return { order: existing, created: false };
    // Live for the condition, gone when read (it expired in between): the next round replaces it.
  }
  throw new ApiError('INTERNAL_ERROR', { reason: 'state: order kept changing while opened' });
};

/** Read, apply, write back under the version read; again if someone wrote in between. */
export const updateOrder = async (
  table: string,
  id: string,
  apply: (order: OrderRecord) => OrderRecord | undefined,
): Promise<OrderRecord | undefined> => {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const item = await getItem(table, id);
    if (!item) return undefined;
    const current = parseOrder(item);
    const next = apply(current);
    if (!next) return current;
    const written = { ...item, ...next, updated_at: new Date().toISOString(), version: current.version + 1 };
    if (await putItem(table, written, atVersion(current.version))) return parseOrder(written);
  }
  throw new ApiError('INTERNAL_ERROR', { reason: 'state: order kept changing while updated' });
};

/** Records a new attempt on an order the caller opened, and counts it on the order. */
export const addAttempt = async (
  table: string,
  order: OrderRecord,
  attempt: { provider: PaymentProvider; providerId: string; amount: number; providerStatus?: string | undefined; signatureToken?: string },
): Promise<AttemptRecord> => {
  const now = new Date().toISOString();
  const record: AttemptRecord = {
    id: itemId.attempt(attempt.provider, attempt.providerId),
    provider: attempt.provider,
    provider_id: attempt.providerId,
    owner: order.owner,
    order: order.id,
    order_id: order.order_id,
    amount: attempt.amount,
    status: 'pending',
    provider_status: attempt.providerStatus,
    created_at: now,
    updated_at: now,
    version: 1,
    signature_token: attempt.signatureToken,
  };
  // Due for its first status pull 2 minutes from now (due.ts), unless a result arrives before.
  const item = { ...record, ...firstDue(attempt.provider, now), expiration: expiresIn(RETENTION[attempt.provider]) };
  if (!(await putItem(table, item, atVersion(0)))) {
    // The provider handed out the same id again (a re-initialised session): the same order's attempt is
    // kept as it is; another order's would be a provider bug, and is never taken over.
    const existing = await findAttempt(table, attempt.provider, attempt.providerId);
    if (existing?.order === order.id) return existing;
    throw new ApiError('INTERNAL_ERROR', { reason: `state: ${attempt.provider} attempt id of another order` });
  }
  // latest_attempt: the attempt GET …?refresh=true pulls (the payer's current session).
  await updateOrder(table, order.id, (current) => ({ ...current, attempts: current.attempts + 1, latest_attempt: record.provider_id }));
  return record;
};

/** The attempt with that provider id, or undefined (never recorded, or expired). */
export const findAttempt = async (table: string, provider: PaymentProvider, providerId: string): Promise<AttemptRecord | undefined> =>
  (await findAttemptItem(table, provider, providerId))?.attempt;

/**
 * The attempt and its raw item, whose attributes beyond the record (the due state, due.ts dueStateOf) the
 * record's schema leaves out.
 */
export const findAttemptItem = async (
  table: string,
  provider: PaymentProvider,
  providerId: string,
): Promise<{ attempt: AttemptRecord; item: Record<string, unknown> } | undefined> => {
  const item = await getItem(table, itemId.attempt(provider, providerId));
  if (!item) return undefined;
  const parsed = storedAttempt.safeParse(item);
  if (!parsed.success) throw malformed('attempt');
  return { attempt: parsed.data, item };
};

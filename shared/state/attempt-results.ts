// The ONE way a provider's word about a payment reaches the state: confirmations, notifications, webhooks
// and status pulls (reconcile-payments, GET …?refresh=true) all call recordAttemptResult. It moves the
// attempt, then its order (rules in transitions.ts), takes a final attempt out of the due-attempts index,
// and, when the order's status changed, publishes the one `Payment Status Changed` event for it. Kept
// apart from orders.ts so routes that only open or read orders do not bundle the EventBridge client.
import { ApiError } from '../errors.ts';
import type * as PaymentEvents from '../events/payment-events.ts';
import type { PaymentStatusChangedDetail } from '../events/payment-events.ts';
import { logger } from '../observability/logger.ts';
import { MetricName } from '../observability/metric-names.ts';
import { reportMetrics } from '../observability/request-log.ts';
import { clearDue, clearUnpublishedMark } from './due-attempts.ts';
import { REPUBLISH_AFTER_MS } from './due.ts';
import { DUE_ATTEMPTS_INDEX, dueShard, UNPUBLISHED_EVENTS_SHARD } from './keys.ts';
import { findAttempt, MAX_ROUNDS, updateOrder, type AttemptRecord, type OrderRecord } from './orders.ts';
import { atVersion, getItem, putItem } from './table.ts';
import { nextAttempt, nextOrder, settledResultOf, type AttemptResult, type OrderChange, type OrderStatus } from './transitions.ts';

export interface RecordedResult {
  attempt: AttemptRecord;
  order: OrderRecord | undefined;
  change: OrderChange;
  /** The order's status before this result, when this result changed it (an event was due). */
  statusChangedFrom?: OrderStatus;
}

export interface RecordOptions {
  /** Epoch ms: the event publish gives up by then (the caller's own deadline). */
  deadline?: number;
}

/**
 * The attempt item as written. A final attempt stays in the due-attempts index, due at once, until its order
 * has been moved too (then clearDue): should the order write fail (our table, midway), the next sweep or
 * refresh finds the final attempt still due and applies its result to the order again (applySettledAttempt).
 */
const withDueState = (item: Record<string, unknown>, attempt: AttemptRecord): Record<string, unknown> =>
  attempt.status === 'pending' ? item : { ...item, due_shard: dueShard(attempt.provider), next_check_at: new Date().toISOString() };

/**
 * Records one result: its attempt first, then the order it belongs to, each by the rules in
 * transitions.ts. Both writes are idempotent under those rules, so a caller that failed midway may simply
 * record the same result again. A success of the wrong amount is counted (PaymentNeedsReview, pages).
 * State first, then the event: the versioned order write lets exactly one result observe each status
 * change, so each change is published once (a failed publish is counted, never thrown).
 */
// The publisher and its EventBridge client are imported by the first result that changes an order's status:
// a replay, a pending answer or a result about an order already paid loads none of it.
let events: Promise<typeof PaymentEvents> | undefined;
const loadEvents = (): Promise<typeof PaymentEvents> =>
  (events ??= import('../events/payment-events.ts').catch((error: unknown) => {
    events = undefined; // a failed import is retried by the next event, not cached for the container's life
    throw error;
  }));

export const recordAttemptResult = async (
  table: string,
  attempt: AttemptRecord,
  result: AttemptResult,
  options: RecordOptions = {},
): Promise<RecordedResult> => {
  let current = attempt;
  for (let round = 0; ; round += 1) {
    const next = nextAttempt(current, result);
    if (next === current) break;
    const written = { ...current, ...next, updated_at: new Date().toISOString(), version: current.version + 1 };
    const item = await getItem(table, current.id);
    const stored = item && withDueState({ ...item, ...written }, written);
    if (stored && (await putItem(table, stored, atVersion(current.version)))) {
      const { due_shard: _due, ...rest } = written;
      current = typeof stored.due_shard === 'string' ? { ...rest, due_shard: stored.due_shard } : rest;
      break;
    }
    const reread = await findAttempt(table, attempt.provider, attempt.provider_id);
    if (!reread || round >= MAX_ROUNDS) throw new ApiError('INTERNAL_ERROR', { reason: 'state: attempt kept changing while updated' });
    current = reread;
  }
  // The order moves by what the attempt now holds: a failure word about an attempt that already succeeded
  // (its order write failed midway) applies the success, never the failure.
  const applied = result.outcome === 'success' ? result : (settledResultOf(current) ?? result);
  const seen: { change: OrderChange; before?: OrderStatus; publishBy?: string } = { change: 'none' };
  const order = await updateOrder(table, attempt.order, (existing) => {
    // An order recorded before latest_attempt existed names none: its only attempt is its latest.
    const fromLatest = existing.latest_attempt === undefined || existing.latest_attempt === attempt.provider_id;
    const moved = nextOrder(existing, applied, fromLatest);
    seen.change = moved.change;
    seen.before = existing.status;
    seen.publishBy = undefined;
    if (moved.change === 'none' && moved.order.provider_status === existing.provider_status) return undefined;
    const next: OrderRecord = { ...existing, ...moved.order };
    if (moved.order.status === existing.status) return next;
    // The status changes: in the same write, the order enters the unpublished-events partition, so the
    // change reaches the bus even if the publish below fails or never runs (reconcile-payments retries it).
    seen.publishBy = new Date(Date.now() + REPUBLISH_AFTER_MS).toISOString();
    return Object.assign(next, { [DUE_ATTEMPTS_INDEX.partitionKey]: UNPUBLISHED_EVENTS_SHARD, [DUE_ATTEMPTS_INDEX.sortKey]: seen.publishBy });
  });
  const { change } = seen;
  if (change === 'wrong_amount') {
    reportMetrics(attempt.provider, [[MetricName.PaymentNeedsReview, 'Count', 1]]);
    logger.warn('payment of another amount: order needs review', { provider: attempt.provider, order_id: attempt.order_id });
  }
  if (!order || seen.before === undefined || seen.before === order.status) {
    return { attempt: await leaveDueIndex(table, current), order, change };
  }
  await publishOrderStatus(table, order, seen.publishBy, options.deadline);
  return { attempt: await leaveDueIndex(table, current), order, change, statusChangedFrom: seen.before };
};

/**
 * A final attempt leaves the due index once its order is moved (and the event published). Best effort: if
 * this fails, the attempt is merely applied again by the next sweep, which changes nothing and publishes nothing.
 */
const leaveDueIndex = async (table: string, attempt: AttemptRecord): Promise<AttemptRecord> => {
  // Not in the index (a replay about an attempt already final and cleared): no write at all.
  if (attempt.status === 'pending' || attempt.due_shard === undefined) return attempt;
  try {
    await clearDue(table, attempt.id);
    const { due_shard: _cleared, ...rest } = attempt;
    return rest;
  } catch (error) {
    logger.warn('final attempt left in the due index', { provider: attempt.provider, error_type: error instanceof Error ? error.name : 'unknown' });
    return attempt;
  }
};

/**
 * Applies a final attempt's own recorded result to its order again: for an attempt still in the due index
 * although final (its order write failed midway). Idempotent under the rules; no provider call.
 */
export const applySettledAttempt = (table: string, attempt: AttemptRecord, options: RecordOptions = {}): Promise<RecordedResult> => {
  const result = settledResultOf(attempt);
  if (!result) throw new ApiError('INTERNAL_ERROR', { reason: 'state: a pending attempt has no settled result' });
  return recordAttemptResult(table, attempt, result, options);
};

/** The contract's event detail for the order as it is now. */
export const statusChangedDetail = (order: OrderRecord): PaymentStatusChangedDetail => ({
  provider: order.provider,
  id: order.order_id,
  owner: order.owner,
  status: order.status,
  paid: order.status === 'paid',
  amount: order.amount,
  updated_at: order.updated_at,
});

/**
 * Publishes the order's current status and, once it is on the bus, takes the order out of the
 * unpublished-events partition (only if no later change put it back in meanwhile: `publishBy` is that
 * change's mark). Never throws: a failed publish stays marked for reconcile-payments; a mark that cannot be
 * removed after a successful publish means one duplicate event later, never a lost one.
 */
export const publishOrderStatus = async (table: string, order: OrderRecord, publishBy: string | undefined, deadline?: number): Promise<boolean> => {
  const { publishPaymentStatusChanged } = await loadEvents();
  const published = await publishPaymentStatusChanged(statusChangedDetail(order), deadline === undefined ? {} : { deadline });
  if (!published.published || publishBy === undefined) return published.published;
  try {
    await clearUnpublishedMark(table, order.id, publishBy);
  } catch (error) {
    logger.warn('payment event published, mark not cleared (published again later)', {
      provider: order.provider,
      ...(error instanceof Error ? { error_type: error.name } : {}),
    });
  }
  return true;
};

// The due-attempts index in use (design in keys.ts, timing in due.ts): one page of attempts due for a status
// pull, and moving an attempt's next check. Query only, on the index, never a scan.
import { DUE_ATTEMPTS_INDEX, dueShard, PAYMENTS_TABLE_PARTITION_KEY, UNPUBLISHED_EVENTS_SHARD, type PaymentProvider } from './keys.ts';
import { DUE_ATTRIBUTE_NAMES, PULL_ANSWER_ATTRIBUTE, type DueAttributes, type ExpiredAs, type PullAnswer } from './due.ts';
import { queryItems, updateItem, type StateItem } from './table.ts';

export interface DuePage {
  /** Attempt item ids, oldest due first. */
  ids: string[];
  /** Where the next page starts, if there may be one. */
  next: StateItem | undefined;
}

/** One page of the provider's attempts whose next check is at or before `now`. */
export const dueAttemptsPage = (
  table: string,
  provider: PaymentProvider,
  now: Date,
  options: { limit: number; start?: StateItem | undefined },
): Promise<DuePage> => duePage(table, dueShard(provider), now, options);

/** One page of the orders whose status-change event is still unpublished, due to be put again by `now`. */
export const unpublishedEventsPage = (table: string, now: Date, options: { limit: number; start?: StateItem | undefined }): Promise<DuePage> =>
  duePage(table, UNPUBLISHED_EVENTS_SHARD, now, options);

const duePage = async (table: string, shard: string, now: Date, options: { limit: number; start?: StateItem | undefined }): Promise<DuePage> => {
  const page = await queryItems({
    TableName: table,
    IndexName: DUE_ATTEMPTS_INDEX.name,
    KeyConditionExpression: '#shard = :shard AND #next <= :now',
    ExpressionAttributeNames: { '#shard': DUE_ATTEMPTS_INDEX.partitionKey, '#next': DUE_ATTEMPTS_INDEX.sortKey },
    ExpressionAttributeValues: { ':shard': shard, ':now': now.toISOString() },
    Limit: options.limit,
    ...(options.start ? { ExclusiveStartKey: options.start } : {}),
  });
  return { ids: page.items.map((item) => String(item[PAYMENTS_TABLE_PARTITION_KEY])), next: page.lastKey };
};

// Only while the attempt is still in the index: a final answer recorded meanwhile took it out, and must win.
const stillDue = { expression: 'attribute_exists(#due_shard)', names: { '#due_shard': 'due_shard' } };

/**
 * Moves the attempt's next check (back-off) and keeps what this pull said (`answer`), or, when it failed,
 * forgets the previous pull's word; false when it had left the index meanwhile.
 */
export const rescheduleAttempt = (table: string, id: string, due: DueAttributes, answer: PullAnswer | undefined): Promise<boolean> =>
  updateItem(
    table,
    id,
    {
      update: `SET #next = :next, #checks = :checks${answer === undefined ? ' REMOVE #answer' : ', #answer = :answer'}`,
      names: { '#next': 'next_check_at', '#checks': 'due_checks', '#answer': PULL_ANSWER_ATTRIBUTE },
      values: { ':next': due.next_check_at, ':checks': due.due_checks, ...(answer === undefined ? {} : { ':answer': answer }) },
    },
    stillDue,
  );

/** Leaving the index: every due attribute removed (DUE_ATTRIBUTE_NAMES). */
const removeDue = {
  update: `REMOVE ${DUE_ATTRIBUTE_NAMES.map((_, index) => `#d${index}`).join(', ')}`,
  names: Object.fromEntries(DUE_ATTRIBUTE_NAMES.map((name, index) => [`#d${index}`, name])),
};

// Expiry only for an attempt still pending: one made final meanwhile whose order write failed stays due, so
// that the next run applies its result to the order (attempt-results.ts applySettledAttempt).
const stillDueAndPending = {
  expression: 'attribute_exists(#due_shard) AND #status = :pending',
  names: { '#due_shard': 'due_shard', '#status': 'status' },
  values: { ':pending': 'pending' },
};

/** Takes an attempt still pending at its provider's expiry out of the index, saying how (due.ts expiredAs); false when it was not in it, or is final. */
export const expireAttempt = (table: string, id: string, as: ExpiredAs): Promise<boolean> =>
  updateItem(
    table,
    id,
    {
      update: `SET #as = :as, #at = :at ${removeDue.update}`,
      names: { '#as': 'expired_as', '#at': 'expired_at', ...removeDue.names },
      values: { ':as': as, ':at': new Date().toISOString() },
    },
    stillDueAndPending,
  );

/** Takes the attempt out of the index (expired, or found final); false when it was not in it. */
export const clearDue = (table: string, id: string): Promise<boolean> =>
  updateItem(
    table,
    id,
    removeDue,
    stillDue,
  );

// Only while the order's unpublished-event mark is still `mark`: no newer status change re-marked it.
const stillMarked = (mark: string) => ({
  expression: '#shard = :events AND #next = :mark',
  names: { '#shard': DUE_ATTEMPTS_INDEX.partitionKey, '#next': DUE_ATTEMPTS_INDEX.sortKey },
  values: { ':events': UNPUBLISHED_EVENTS_SHARD, ':mark': mark },
});

/** Moves an unpublished event's next try to `next`, if its mark is still `mark` (no newer change, not published). */
export const rescheduleUnpublished = (table: string, id: string, mark: string, next: string): Promise<boolean> =>
  updateItem(table, id, { update: 'SET #next = :later', names: { '#next': DUE_ATTEMPTS_INDEX.sortKey }, values: { ':later': next } }, stillMarked(mark));

/** Removes the order's unpublished-event mark (its event is on the bus) if it is still `mark`; false when it was not. */
export const clearUnpublishedMark = (table: string, id: string, mark: string): Promise<boolean> =>
  updateItem(
    table,
    id,
    { update: 'REMOVE #shard, #next', names: { '#shard': DUE_ATTEMPTS_INDEX.partitionKey, '#next': DUE_ATTEMPTS_INDEX.sortKey } },
    stillMarked(mark),
  );

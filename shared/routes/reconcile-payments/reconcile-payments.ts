// reconcile-payments (contract v1.1, "What the providers say is the truth"): every 5 minutes, pull each
// attempt the due-attempts index says is due, record what the provider says like a notification would,
// and move the attempt's next check (back-off) or take it out of the index (final answer, or expiry: an
// attempt the provider last said has no payment at all is abandoned, any other is stuck and pages).
// Both providers side by side: one failing never stops the other's checks. A page at a time, and no new
// pull once the Lambda's remaining time could not hold one.
import type { Context } from 'aws-lambda';
import { FUNCTIONS } from '../../catalog.ts';
import { loadSettings } from '../../config/settings.ts';
import { isApiError } from '../../errors.ts';
import type { SecretLoader } from '../../http/route.ts';
import { DEPENDENCY_BUDGETS, FUNCTION_TIMEOUT_MARGIN_MS } from '../../limits.ts';
import { logger } from '../../observability/logger.ts';
import { MetricName } from '../../observability/metric-names.ts';
import { CONFIGURATION_ERROR_METRICS, publish, type MetricEntry } from '../../observability/metrics.ts';
import { applySettledAttempt, publishOrderStatus } from '../../state/attempt-results.ts';
import { dueStateOf, expiredAs, nextDue, REPUBLISH_AFTER_MS, type PullAnswer } from '../../state/due.ts';
import { clearDue, dueAttemptsPage, expireAttempt, rescheduleAttempt, rescheduleUnpublished, unpublishedEventsPage } from '../../state/due-attempts.ts';
import { findAttemptItem, parseOrder } from '../../state/orders.ts';
import { getItem } from '../../state/table.ts';
import { DUE_ATTEMPTS_INDEX, UNPUBLISHED_EVENTS_SHARD, type PaymentProvider } from '../../state/keys.ts';
import { pullAndRecord, providerConnections, type ProviderConnections } from '../../reconcile/pull-attempt.ts';

const PROVIDERS: readonly PaymentProvider[] = ['etpay', 'skippay'];
/** Attempts read from the index per Query. */
export const PAGE_SIZE = 25;
/** Pulls in flight at once per provider: gentle on the provider, quick enough for a backlog. */
const CONCURRENCY = 5;

export interface ProviderTally {
  checked: number;
  changed: number;
  failed: number;
  /** Still pending at the provider's expiry without the provider saying "no payment" last: stuck (pages). */
  expired: number;
  /** Still pending at the provider's expiry, the provider's last word "no payment at all": a checkout never paid. */
  abandoned: number;
  /** The run stopped starting pulls because the Lambda's time was running out. */
  outOfTime: boolean;
}

interface Run {
  table: string;
  connections: ProviderConnections;
  timeoutMs: number;
  /** Epoch ms: every call must be over by then. */
  deadline: number;
  /** Local demo only: pull what will be due by then, not only what is due now. */
  dueBy?: Date | undefined;
}

/** Room for one more whole pull (run.deadline already keeps the margin to write what it learned). */
const timeForOnePull = (run: Run): boolean => run.deadline - Date.now() >= run.timeoutMs;

const checkOne = async (run: Run, provider: PaymentProvider, id: string, tally: ProviderTally): Promise<void> => {
  const providerId = id.slice(`attempt#${provider}#`.length);
  const found = await findAttemptItem(run.table, provider, providerId);
  // Gone (TTL): the index was behind; take it out.
  if (!found) {
    await clearDue(run.table, id);
    return;
  }
  const { attempt } = found;
  // Final yet still due: its order was not moved (a write that failed midway). Its own result again, no pull;
  // that also takes it out of the index.
  if (attempt.status !== 'pending') {
    const repaired = await applySettledAttempt(run.table, attempt, { deadline: run.deadline });
    if (repaired.statusChangedFrom !== undefined) tally.changed += 1;
    return;
  }
  // The due state lives on the item, outside the attempt record's schema.
  const dueState = dueStateOf(found.item);
  let final = false;
  /** What this pull said when it succeeded without a final answer; undefined when it failed. */
  let answer: PullAnswer | undefined;
  try {
    // The call keeps to UPSTREAM_TIMEOUT_MS by itself (the client takes the smaller of the two); the
    // recording and its event get the run's time, not what the pull left of its own.
    const outcome = await pullAndRecord(run.table, attempt, run.connections, { timeoutMs: run.timeoutMs, deadline: run.deadline });
    tally.checked += 1;
    if (outcome.changed) tally.changed += 1;
    final = outcome.final;
    answer = outcome.noPayment ? 'no_payment' : 'not_final';
  } catch (error) {
    // Counted and left due again later (below): the next run tries once the back-off has passed.
    tally.failed += 1;
    logger.warn('reconcile: pull failed', {
      provider,
      code: isApiError(error) ? error.code : 'INTERNAL_ERROR',
      ...(error instanceof Error ? { error_type: error.name } : {}),
    });
  }
  if (final) return; // recordAttemptResult took the attempt out of the index.
  const due = nextDue(provider, attempt.created_at, dueState.checks, Date.now());
  if (due === 'expired') {
    // Neither an unused attempt of an order another attempt paid (a payer who opened a second ETpay session)
    // nor a checkout the provider says was never paid is a stuck payment: nobody waits for their money. The
    // order is left as it is (no final result: no status change, no event).
    const as = expiredAs(answer, dueState);
    const order = await getItem(run.table, attempt.order);
    if (!(await expireAttempt(run.table, id, as))) return;
    if (order?.status === 'paid') {
      logger.info('reconcile: attempt expired unused, its order is paid', { provider, order_id: attempt.order_id });
      return;
    }
    if (as === 'abandoned') {
      tally.abandoned += 1;
      logger.info('reconcile: attempt abandoned, no payment at its provider expiry', { provider, order_id: attempt.order_id });
      return;
    }
    tally.expired += 1;
    logger.warn('reconcile: attempt still pending at its provider expiry', { provider, order_id: attempt.order_id });
    return;
  }
  await rescheduleAttempt(run.table, id, due, answer);
};

/** One provider's due attempts, page by page, until none is due or time runs short. */
const reconcileProvider = async (run: Run, provider: PaymentProvider): Promise<ProviderTally> => {
  const tally: ProviderTally = { checked: 0, changed: 0, failed: 0, expired: 0, abandoned: 0, outOfTime: false };
  const now = run.dueBy ?? new Date();
  let start: Record<string, unknown> | undefined;
  do {
    if (!timeForOnePull(run)) {
      tally.outOfTime = true;
      break;
    }
    let page;
    try {
      page = await dueAttemptsPage(run.table, provider, now, { limit: PAGE_SIZE, start });
    } catch (error) {
      // The index could not be read (this page or a later one): what was checked so far stays counted, this
      // failure too, and what the page held stays due for the next run.
      tally.failed += 1;
      logger.error('reconcile: due attempts not readable', { provider, code: isApiError(error) ? error.code : 'INTERNAL_ERROR', ...(error instanceof Error ? { error_type: error.name } : {}) });
      break;
    }
    for (let index = 0; index < page.ids.length; index += CONCURRENCY) {
      if (!timeForOnePull(run)) {
        tally.outOfTime = true;
        return tally;
      }
      const chunk = page.ids.slice(index, index + CONCURRENCY);
      const settled = await Promise.allSettled(chunk.map((id) => checkOne(run, provider, id, tally)));
      // A state write that failed: the attempt stays due as it was, and is checked again next run.
      for (const outcome of settled) {
        if (outcome.status === 'rejected') {
          tally.failed += 1;
          logger.error('reconcile: state write failed', { provider, error_type: outcome.reason instanceof Error ? outcome.reason.name : 'unknown' });
        }
      }
    }
    start = page.next;
  } while (start);
  return tally;
};

export interface EventsTally {
  /** Status-change events found unpublished and put on the bus now. */
  republished: number;
  /** Still not published (EventPublishFailed counted them): tried again after REPUBLISH_AFTER_MS. */
  failed: number;
  outOfTime: boolean;
}

/** One order whose status-change event is still marked unpublished: publish its current status again. */
const republishOne = async (run: Run, id: string, tally: EventsTally): Promise<void> => {
  const item = await getItem(run.table, id);
  const mark = item?.[DUE_ATTEMPTS_INDEX.sortKey];
  // Published meanwhile (the mark is gone), or the order is gone (TTL): nothing to do.
  if (!item || item[DUE_ATTEMPTS_INDEX.partitionKey] !== UNPUBLISHED_EVENTS_SHARD || typeof mark !== 'string') return;
  if (await publishOrderStatus(run.table, parseOrder(item), mark, run.deadline)) {
    tally.republished += 1;
    logger.info('reconcile: unpublished payment event published', { provider: item.provider as string });
    return;
  }
  tally.failed += 1;
  await rescheduleUnpublished(run.table, id, mark, new Date(Date.now() + REPUBLISH_AFTER_MS).toISOString());
};

/** Orders whose last status change did not reach the bus (a failed publish, a function that died before it). */
const republishEvents = async (run: Run): Promise<EventsTally> => {
  const tally: EventsTally = { republished: 0, failed: 0, outOfTime: false };
  // Only marks older than REPUBLISH_AFTER_MS are due: a publish in flight right now is never doubled.
  const now = new Date();
  let start: Record<string, unknown> | undefined;
  do {
    if (run.deadline - Date.now() < DEPENDENCY_BUDGETS.eventbridge.callTimeoutMs) {
      tally.outOfTime = true;
      break;
    }
    const page = await unpublishedEventsPage(run.table, now, { limit: PAGE_SIZE, start });
    for (const id of page.ids) {
      if (run.deadline - Date.now() < DEPENDENCY_BUDGETS.eventbridge.callTimeoutMs) {
        tally.outOfTime = true;
        return tally;
      }
      try {
        await republishOne(run, id, tally);
      } catch (error) {
        // One order that cannot be read or moved (our table failing, a malformed item) never stops the others:
        // counted, logged, and its mark stays for the next run.
        tally.failed += 1;
        logger.error('reconcile: unpublished payment event not handled', { error_type: error instanceof Error ? error.name : 'unknown' });
      }
    }
    start = page.next;
  } while (start);
  return tally;
};

const tallyMetrics = (tally: ProviderTally): MetricEntry[] => [
  [MetricName.ReconcileChecked, 'Count', tally.checked],
  [MetricName.ReconcileChanged, 'Count', tally.changed],
  [MetricName.ReconcileFailed, 'Count', tally.failed],
  [MetricName.ReconcileExpired, 'Count', tally.expired],
  [MetricName.ReconcileAbandoned, 'Count', tally.abandoned],
];

export type ReconcileSummary = Record<PaymentProvider, ProviderTally> & { events: EventsTally };

/** The scheduled run. Its event carries nothing we need: the index says what is due. */
export const reconcilePayments = async (
  _event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  deps: { secrets: SecretLoader; dueBy?: Date },
): Promise<ReconcileSummary> => {
  let settings;
  try {
    settings = loadSettings(FUNCTIONS['reconcile-payments'].settings);
  } catch (error) {
    for (const provider of PROVIDERS) publish(provider, CONFIGURATION_ERROR_METRICS);
    logger.error('reconcile: settings missing or invalid', { reason: isApiError(error) ? error.reason : 'unknown' });
    throw error;
  }
  const run: Run = {
    table: settings.PAYMENTS_TABLE,
    connections: providerConnections(settings, deps.secrets),
    timeoutMs: settings.UPSTREAM_TIMEOUT_MS,
    deadline: Date.now() + context.getRemainingTimeInMillis() - FUNCTION_TIMEOUT_MARGIN_MS,
    dueBy: deps.dueBy,
  };
  const [events, ...settled] = await Promise.allSettled([republishEvents(run), ...PROVIDERS.map((provider) => reconcileProvider(run, provider))]);
  const summary = {} as ReconcileSummary;
  if (events?.status === 'fulfilled') summary.events = events.value;
  else {
    summary.events = { republished: 0, failed: 0, outOfTime: false };
    logger.error('reconcile: unpublished events sweep failed', { error_type: events?.reason instanceof Error ? events.reason.name : 'unknown' });
  }
  PROVIDERS.forEach((provider, index) => {
    const outcome = settled[index];
    let tally: ProviderTally;
    if (outcome?.status === 'fulfilled') tally = outcome.value;
    else {
      // Unexpected (reconcileProvider counts a failed page itself): nothing known for this provider; it pages as a failure.
      tally = { checked: 0, changed: 0, failed: 1, expired: 0, abandoned: 0, outOfTime: false };
      logger.error('reconcile: provider sweep failed', { provider, error_type: outcome?.reason instanceof Error ? outcome.reason.name : 'unknown' });
    }
    summary[provider] = tally;
    publish(provider, tallyMetrics(tally));
  });
  logger.info('reconcile: run done', { summary });
  return summary;
};

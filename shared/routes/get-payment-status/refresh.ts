// GET …?refresh=true: pull the provider first while the order is unpaid and its newest attempt still
// pending (a payer may retry after a failure), at most once per order every
// REFRESH_INTERVAL_MS whoever asks (a busy frontend polling cannot hammer the provider). The claim is a
// conditional write on the order's `last_refresh_at`, outside its versioned state.
import type { SecretLoader } from '../../http/route.ts';
import type { CallBudget } from '../../providers/http-client.ts';
import { isApiError, isUpstreamFailure } from '../../errors.ts';
import { logger } from '../../observability/logger.ts';
import { providerConnections, pullAndRecord, type PullSettings } from '../../reconcile/pull-attempt.ts';
import { applySettledAttempt } from '../../state/attempt-results.ts';
import { findAttempt, type OrderRecord } from '../../state/orders.ts';
import { updateItem } from '../../state/table.ts';

export const REFRESH_INTERVAL_MS = 30_000;

/** True for the one caller that may pull now; false while another pull of this order is younger than the interval. */
const claimRefresh = (table: string, orderId: string, now = Date.now()): Promise<boolean> =>
  updateItem(
    table,
    orderId,
    { update: 'SET #last = :now', names: { '#last': 'last_refresh_at' }, values: { ':now': now } },
    {
      expression: 'attribute_exists(#id) AND (attribute_not_exists(#last) OR #last <= :cutoff)',
      names: { '#id': 'id', '#last': 'last_refresh_at' },
      values: { ':cutoff': now - REFRESH_INTERVAL_MS },
    },
  );

/** Pulls the order's newest attempt while it is pending and the order unpaid, if allowed; true when it asked the provider. A provider fault is logged, not answered. */
export const refreshOrder = async (
  table: string,
  order: OrderRecord,
  settings: PullSettings,
  secrets: SecretLoader,
  budget: CallBudget,
): Promise<boolean> => {
  // Not paid yet: a `failed` or `needs_review` order may have a newer attempt still open (the payer retried).
  if (order.status === 'paid') return false;
  // A SkipPay order is its own attempt; an ETpay order pulls the payer's latest session.
  const providerId = order.latest_attempt ?? (order.provider === 'skippay' ? order.order_id : undefined);
  if (providerId === undefined) return false;
  if (!(await claimRefresh(table, order.id))) return false;
  const attempt = await findAttempt(table, order.provider, providerId);
  if (attempt?.order !== order.id) return false;
  // Final, its order still pending: the order write failed midway. Its own result again, no pull.
  if (attempt.status !== 'pending') {
    await applySettledAttempt(table, attempt, { deadline: budget.deadline });
    return true;
  }
  try {
    await pullAndRecord(table, attempt, providerConnections(settings, secrets), budget);
  } catch (error) {
    if (!isApiError(error) || !(isUpstreamFailure(error.code) || error.code === 'UPSTREAM_REJECTED')) throw error;
    logger.warn('refresh: pull failed, answering the stored state', { provider: order.provider, code: error.code });
  }
  return true;
};

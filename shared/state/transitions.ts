// The payment state's rules, as pure functions: what a provider's word means, and how one result moves its
// attempt and its order. The store (orders.ts) only reads, calls these, and writes what they answer, so a
// confirmation, a notification, a webhook and a future status pull all follow the same rules.
import type { PaymentProvider } from './keys.ts';

/** The contract's order status (v1.1): the OpenAPI document lists these values from here. */
export const ORDER_STATUSES = ['pending', 'paid', 'failed', 'needs_review'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** An attempt's own status: one provider session or order. */
export const ATTEMPT_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** What a provider status means for money: moved, final without money, or not final yet. */
export type Outcome = 'success' | 'failure' | 'pending';

// ETpay documents `success` and `error` as final; anything else is not final (provider-docs/status-pulls.md).
// SkipPay's order statuses are undocumented beyond `paid`; these are the ones its example and sandbox use.
const FAILURE_STATUSES: Record<PaymentProvider, ReadonlySet<string>> = {
  etpay: new Set(['error', 'failed', 'cancelled', 'canceled', 'rejected', 'expired']),
  skippay: new Set(['failed', 'cancelled', 'canceled', 'rejected', 'expired', 'voided']),
};
const SUCCESS_STATUS: Record<PaymentProvider, string> = { etpay: 'success', skippay: 'paid' };

export const outcomeOf = (provider: PaymentProvider, providerStatus: string): Outcome => {
  // Exact words only: `SUCCESS` or `success ` is not a documented status, so it is not money that moved.
  const status = providerStatus;
  if (status === SUCCESS_STATUS[provider]) return 'success';
  return FAILURE_STATUSES[provider].has(status) ? 'failure' : 'pending';
};

/** One result about one attempt: the provider's word, and the amount it says moved (if it says). */
export interface AttemptResult {
  outcome: Outcome;
  providerStatus: string;
  /** The amount the provider says was paid: read for a success only, and never assumed (no amount, no `paid`). */
  amount: number;
}

export interface AttemptState {
  status: AttemptStatus;
  /** What the attempt asked for (the session's order_amount, the SkipPay order's total_amount). */
  amount: number;
  /** What the provider said moved, once it succeeded. */
  paid_amount?: number | undefined;
  provider_status?: string | undefined;
}

export interface OrderState {
  status: OrderStatus;
  amount: number;
  provider_status?: string | undefined;
}

const ATTEMPT_STATUS_OF: Record<Outcome, AttemptStatus> = { success: 'succeeded', failure: 'failed', pending: 'pending' };

/**
 * An attempt that succeeded stays succeeded (a late or replayed failure never undoes money that moved); one
 * that failed changes only to a success; a pending one takes the latest word.
 */
export const nextAttempt = (attempt: AttemptState, result: AttemptResult): AttemptState => {
  if (attempt.status === 'succeeded') return attempt;
  // A failed attempt moves only to a success: a late "not final" word or a replayed failure changes nothing
  // (it would reopen an attempt no sweep checks any more, or rewrite it for nothing).
  if (attempt.status === 'failed' && result.outcome !== 'success') return attempt;
  return {
    ...attempt,
    status: ATTEMPT_STATUS_OF[result.outcome],
    ...(result.outcome === 'success' ? { paid_amount: result.amount } : {}),
    provider_status: result.providerStatus,
  };
};

/**
 * The result a final attempt already holds (its status, the provider's word, what moved), to apply to its order
 * again; undefined while pending. A success without a recorded amount is 0: never the order's (fail closed).
 */
export const settledResultOf = (attempt: AttemptState): AttemptResult | undefined => {
  if (attempt.status === 'pending') return undefined;
  return {
    outcome: attempt.status === 'succeeded' ? 'success' : 'failure',
    providerStatus: attempt.provider_status ?? attempt.status,
    amount: attempt.status === 'succeeded' ? (attempt.paid_amount ?? 0) : 0,
  };
};

/** Why the order moved the way it did: `wrong_amount` is what the NeedsReview metric counts. */
export type OrderChange = 'none' | 'paid' | 'wrong_amount' | 'failed' | 'pending';

/**
 * The order after one attempt's result:
 * - `paid` never goes back, whatever arrives after it;
 * - a success of exactly the order's amount makes it `paid` (also out of `needs_review`: the order is paid;
 *   the wrong-amount attempt stays recorded and was counted when it happened);
 * - a success of another amount makes it `needs_review`: money moved, not the right amount;
 * - `needs_review` is not undone by a failure or a pending word about another attempt;
 * - a failure or a not-final word moves the order only when it is about the order's latest attempt: the
 *   late failure of a session the payer abandoned never makes `failed` an order whose newer session is live;
 * - otherwise a failure makes it `failed` (a new attempt may follow) and a not-final word `pending`.
 */
export const nextOrder = (order: OrderState, result: AttemptResult, fromLatestAttempt = true): { order: OrderState; change: OrderChange } => {
  if (order.status === 'paid') return { order, change: 'none' };
  if (result.outcome === 'success') {
    if (result.amount === order.amount) {
      return { order: { ...order, status: 'paid', provider_status: result.providerStatus }, change: 'paid' };
    }
    return {
      order: { ...order, status: 'needs_review', provider_status: result.providerStatus },
      change: order.status === 'needs_review' ? 'none' : 'wrong_amount',
    };
  }
  if (order.status === 'needs_review' || !fromLatestAttempt) return { order, change: 'none' };
  const status: OrderStatus = result.outcome === 'failure' ? 'failed' : 'pending';
  const changed = status !== order.status || result.providerStatus !== order.provider_status;
  return { order: { ...order, status, provider_status: result.providerStatus }, change: changed ? status : 'none' };
};

/** Whether a new ETpay session may be opened for an order the owner already has, and if not, why. */
export const sessionRefusal = (order: OrderState, amount: number): 'ORDER_ALREADY_PAID' | 'ORDER_CONFLICT' | undefined => {
  if (order.status === 'paid') return 'ORDER_ALREADY_PAID';
  if (order.amount !== amount) return 'ORDER_CONFLICT';
  return undefined;
};

// When an attempt's status should next be pulled from its provider (reconcile-payments), as pure rules: the
// due-attempts index (keys.ts) holds `due_shard` + `next_check_at` on exactly the attempts these say are due.
import { dueShard, type PaymentProvider } from './keys.ts';

const MINUTE = 60_000;

/** A new attempt is first checked this long after its creation: most results arrive by notification before. */
export const FIRST_CHECK_AFTER_MS = 2 * MINUTE;
/** Back-off between pulls of one attempt: 2, 4, 8 … minutes, never longer apart than this. */
export const MAX_CHECK_INTERVAL_MS = 60 * MINUTE;
/**
 * How long a provider's attempt can still end in a payment (contract v1.1): an ETpay session 24 h, a
 * SkipPay AAPD order 45 days. After that nobody pulls it again; if it is still pending it is stuck
 * (ReconcileExpired, which pages).
 */
export const PULL_EXPIRY_MS: Record<PaymentProvider, number> = { etpay: 24 * 60 * MINUTE, skippay: 45 * 24 * 60 * MINUTE };

/**
 * An order's status-change event is published right after the write; if it is still unpublished this long
 * after (the publish failed, or the function died in between), reconcile-payments publishes it again, and
 * again this long after each failure. Far longer than any function's run, so a publish in flight is never
 * doubled by the sweep.
 */
export const REPUBLISH_AFTER_MS = 2 * MINUTE;

/** The attributes that put an attempt in the index. */
export interface DueAttributes {
  due_shard: string;
  next_check_at: string;
  /** Pulls made so far (without a final answer): the back-off's exponent. */
  due_checks: number;
}
export const DUE_ATTRIBUTE_NAMES = ['due_shard', 'next_check_at', 'due_checks'] as const;

/** The pause after `checks` pulls without a final answer: 2 min · 2^checks, capped. */
export const backOffMs = (checks: number): number => Math.min(FIRST_CHECK_AFTER_MS * 2 ** Math.max(0, checks), MAX_CHECK_INTERVAL_MS);

const pullExpiryOf = (provider: PaymentProvider, createdAt: string): number => Date.parse(createdAt) + PULL_EXPIRY_MS[provider];

/** A new attempt's first due time. */
export const firstDue = (provider: PaymentProvider, createdAt: string): DueAttributes => ({
  due_shard: dueShard(provider),
  next_check_at: new Date(Date.parse(createdAt) + FIRST_CHECK_AFTER_MS).toISOString(),
  due_checks: 0,
});

/**
 * After a pull that gave no final answer (or failed): due again after the back-off, or `expired` when the
 * provider's expiry has passed (the attempt then leaves the index). The last check is never later than
 * the expiry itself, so a payment made just before it is still seen.
 */
export const nextDue = (
  provider: PaymentProvider,
  createdAt: string,
  checks: number,
  now: number,
): DueAttributes | 'expired' => {
  const expiry = pullExpiryOf(provider, createdAt);
  if (now >= expiry) return 'expired';
  return {
    due_shard: dueShard(provider),
    next_check_at: new Date(Math.min(now + backOffMs(checks + 1), expiry)).toISOString(),
    due_checks: checks + 1,
  };
};

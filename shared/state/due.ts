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
 * SkipPay AAPD order 45 days. After that nobody pulls it again. Still pending then, it is abandoned where the
 * provider's last word was "no payment at all" (ReconcileAbandoned: a payer who never paid), else stuck
 * (ReconcileExpired, which pages): see expiredAs.
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
/**
 * What the provider's last pull said while the attempt is due, when that pull succeeded: `no_payment` (no
 * payment at all: ETpay's `[]`) or `not_final` (a payment, or a SkipPay order, not final yet). Removed by a
 * failed pull, so it is always the word of the pull just before, or nothing.
 */
export type PullAnswer = 'no_payment' | 'not_final';
export const PULL_ANSWER_ATTRIBUTE = 'pull_answer';
/** Removed with the index attributes whenever an attempt leaves the index. */
export const DUE_ATTRIBUTE_NAMES = ['due_shard', 'next_check_at', 'due_checks', PULL_ANSWER_ATTRIBUTE] as const;

/** The due state kept on an attempt item (not part of the attempt record): read from the raw item. */
export interface DueState {
  /** Pulls so far without a final answer (due_checks). */
  checks: number;
  lastAnswer: PullAnswer | undefined;
}
export const dueStateOf = (item: Record<string, unknown>): DueState => {
  const checks = item.due_checks;
  const answer = item[PULL_ANSWER_ATTRIBUTE];
  return {
    checks: typeof checks === 'number' && Number.isInteger(checks) && checks >= 0 ? checks : 0,
    lastAnswer: answer === 'no_payment' || answer === 'not_final' ? answer : undefined,
  };
};

/**
 * How an attempt still pending at its provider's expiry leaves the index (`expired_as` on the attempt): the
 * provider's last word (this pull's, or, if this one failed, the one just before) said there is no payment
 * at all: `abandoned` (a checkout opened and never paid: counted, never pages). Anything else (pulls that
 * kept failing, a payment in a state that is not final, a SkipPay order still `pending`, as SkipPay always
 * answers with its order's status word): `stuck` (ReconcileExpired, pages).
 */
export type ExpiredAs = 'abandoned' | 'stuck';
export const expiredAs = (thisPull: PullAnswer | undefined, before: DueState): ExpiredAs =>
  (thisPull ?? before.lastAnswer) === 'no_payment' ? 'abandoned' : 'stuck';

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

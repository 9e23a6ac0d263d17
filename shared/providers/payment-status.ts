// What a provider says about one payment, in our words: the status pulls (etpay-status.ts,
// skippay-status.ts) map each provider's vocabulary here, in one pure function per provider, so the state
// rules (attempt → order, the amount rule, `paid` never reverts) see one shape whichever provider spoke.
import * as z from 'zod/mini';

/** `paid`: money moved (at `amount`); `failed`: a final answer without payment; `pending`: no final answer yet. */
export type PaymentOutcome = 'paid' | 'failed' | 'pending';

export interface ProviderPaymentStatus {
  outcome: PaymentOutcome;
  /**
   * CLP the provider says was paid, when it says so readably. Absent means unknown, never "the right
   * amount": the amount rule must treat a `paid` without it as not matching (fail closed).
   */
  amount?: number;
  /** The provider's own word, kept as the order's `provider_status`; absent when it reported no payment. */
  provider_status?: string;
}

/**
 * An amount as the providers write it: a JSON integer, or a string of digits (SkipPay sends
 * `total_amount` as a string; `"50000.00"` is read as 50000). Anything else does not parse: `"50.000"`
 * is Chilean for fifty thousand, never fifty.
 */
export const PROVIDER_AMOUNT = z.pipe(
  z.union([
    z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)),
    z.string().check(z.regex(/^\d{1,15}(\.00?)?$/)),
  ]),
  z.transform((value) => (typeof value === 'number' ? value : Number.parseInt(value, 10))),
);

/** A provider's status word: short printable text, nothing we would refuse to keep in a record. */
export const PROVIDER_STATUS_WORD = z.string().check(z.regex(/^[\x20-\x7E]{1,64}$/, 'must be 1-64 printable ASCII characters'));

/** One field we cannot read makes that field unknown, not the whole answer unusable. */
export const lenient = <S extends z.ZodMiniType>(schema: S) => z.catch(z.optional(schema), undefined);

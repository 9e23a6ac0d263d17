// CLP has no minor unit, so an amount is a whole number of pesos; strings are refused rather than coerced
// so that a client sending `"50000"` learns about it instead of depending on our leniency.
import * as z from 'zod/mini';

const CLP_AMOUNT_MIN = 1;
export const CLP_AMOUNT_MAX = 999_999_999;

/** A JSON integer of CLP, 1 to 999 999 999. Rejects strings, fractions, NaN and ±Infinity. */
export const clpAmountSchema = z.int({ error: 'amount must be a whole number of CLP (a JSON integer)' }).check(
  z.gte(CLP_AMOUNT_MIN, { error: 'amount must be at least 1 CLP' }),
  z.lte(CLP_AMOUNT_MAX, { error: 'amount must be at most 999999999 CLP' }),
);

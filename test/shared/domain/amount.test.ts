import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLP_AMOUNT_MAX, clpAmountSchema } from '#shared/domain/amount.ts';

describe('clpAmountSchema', () => {
  it.each([1, 2, 50_000, 999_999_999])('accepts %j', (amount) => {
    expect(clpAmountSchema.safeParse(amount)).toEqual({ success: true, data: amount });
  });

  it.each([
    { amount: 0, message: 'amount must be at least 1 CLP' },
    { amount: -0, message: 'amount must be at least 1 CLP' },
    { amount: -1, message: 'amount must be at least 1 CLP' },
    { amount: 1e9, message: 'amount must be at most 999999999 CLP' },
    { amount: Number.MAX_SAFE_INTEGER, message: 'amount must be at most 999999999 CLP' },
    { amount: 1.5, message: 'amount must be a whole number of CLP (a JSON integer)' },
    { amount: 50_000.5, message: 'amount must be a whole number of CLP (a JSON integer)' },
    { amount: '50000', message: 'amount must be a whole number of CLP (a JSON integer)' },
    { amount: Number.NaN, message: 'amount must be a whole number of CLP (a JSON integer)' },
    { amount: Number.POSITIVE_INFINITY, message: 'amount must be a whole number of CLP (a JSON integer)' },
    { amount: Number.NEGATIVE_INFINITY, message: 'amount must be a whole number of CLP (a JSON integer)' },
    { amount: null, message: 'amount must be a whole number of CLP (a JSON integer)' },
    { amount: 50_000n, message: 'amount must be a whole number of CLP (a JSON integer)' },
  ])('rejects $amount → $message', ({ amount, message }) => {
    const result = clpAmountSchema.safeParse(amount);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it('accepts exactly the integers 1..999 999 999 and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -2e9, max: 2e9 }), fc.double(), fc.anything()), (value) => {
        const result = clpAmountSchema.safeParse(value);
        const valid = typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= CLP_AMOUNT_MAX;
        expect(result.success).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});

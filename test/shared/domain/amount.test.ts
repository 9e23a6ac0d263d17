import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLP_AMOUNT_MAX, clpAmountSchema } from '#shared/domain/amount.ts';

describe('clpAmountSchema', () => {
  it.each([1, 2, 50_000, 999_999_999])('accepts %j', (amount) => {
    expect(clpAmountSchema.safeParse(amount)).toEqual({ success: true, data: amount });
  });

  it.each([
    [0, 'amount must be at least 1 CLP'],
    [-0, 'amount must be at least 1 CLP'],
    [-1, 'amount must be at least 1 CLP'],
    [1e9, 'amount must be at most 999999999 CLP'],
    [Number.MAX_SAFE_INTEGER, 'amount must be at most 999999999 CLP'],
    [1.5, 'amount must be a whole number of CLP (a JSON integer)'],
    [50_000.5, 'amount must be a whole number of CLP (a JSON integer)'],
    ['50000', 'amount must be a whole number of CLP (a JSON integer)'],
    [Number.NaN, 'amount must be a whole number of CLP (a JSON integer)'],
    [Number.POSITIVE_INFINITY, 'amount must be a whole number of CLP (a JSON integer)'],
    [Number.NEGATIVE_INFINITY, 'amount must be a whole number of CLP (a JSON integer)'],
    [null, 'amount must be a whole number of CLP (a JSON integer)'],
    [50_000n, 'amount must be a whole number of CLP (a JSON integer)'],
  ])('rejects %s', (amount, message) => {
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

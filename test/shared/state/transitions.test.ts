import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextAttempt,
  nextOrder,
  ORDER_STATUSES,
  outcomeOf,
  sessionRefusal,
  settledResultOf,
  type AttemptResult,
  type OrderState,
  type OrderStatus,
} from '#shared/state/transitions.ts';

const order = (status: OrderStatus, amount = 50_000): OrderState => ({ status, amount, provider_status: undefined });
const success = (amount: number): AttemptResult => ({ outcome: 'success', providerStatus: 'success', amount });
const failure: AttemptResult = { outcome: 'failure', providerStatus: 'error', amount: 50_000 };
const pending: AttemptResult = { outcome: 'pending', providerStatus: 'processing', amount: 50_000 };

describe('outcomeOf', () => {
  it.each([
    { name: 'etpay success', provider: 'etpay', status: 'success', outcome: 'success' },
    { name: 'etpay error', provider: 'etpay', status: 'error', outcome: 'failure' },
    { name: 'etpay unknown word', provider: 'etpay', status: 'in_process', outcome: 'pending' },
    { name: 'skippay paid', provider: 'skippay', status: 'paid', outcome: 'success' },
    { name: 'skippay cancelled', provider: 'skippay', status: 'cancelled', outcome: 'failure' },
    { name: 'skippay pending', provider: 'skippay', status: 'pending', outcome: 'pending' },
    { name: 'a paid word of the other provider', provider: 'etpay', status: 'paid', outcome: 'pending' },
  ] as const)('$name → $outcome', ({ provider, status, outcome }) => {
    expect(outcomeOf(provider, status)).toBe(outcome);
  });
});

describe('nextOrder', () => {
  it.each([
    { name: 'pending, success of the amount', from: 'pending', result: success(50_000), to: 'paid', change: 'paid' },
    { name: 'pending, success of 1 CLP on 50 000', from: 'pending', result: success(1), to: 'needs_review', change: 'wrong_amount' },
    { name: 'failed, success of the amount', from: 'failed', result: success(50_000), to: 'paid', change: 'paid' },
    { name: 'needs_review, success of the amount', from: 'needs_review', result: success(50_000), to: 'paid', change: 'paid' },
    { name: 'needs_review, another wrong amount', from: 'needs_review', result: success(2), to: 'needs_review', change: 'none' },
    { name: 'needs_review, failure', from: 'needs_review', result: failure, to: 'needs_review', change: 'none' },
    { name: 'pending, failure', from: 'pending', result: failure, to: 'failed', change: 'failed' },
    { name: 'failed, new attempt pending', from: 'failed', result: pending, to: 'pending', change: 'pending' },
    { name: 'paid, failure', from: 'paid', result: failure, to: 'paid', change: 'none' },
    { name: 'paid, wrong amount', from: 'paid', result: success(1), to: 'paid', change: 'none' },
  ] as const)('$name → $to', ({ from, result, to, change }) => {
    const moved = nextOrder(order(from), result);
    expect(moved.order.status).toBe(to);
    expect(moved.change).toBe(change);
  });

  it.each([
    { name: 'pending, failure of an older attempt', from: 'pending', result: failure, to: 'pending', change: 'none' },
    { name: 'failed, a not-final word of an older attempt', from: 'failed', result: pending, to: 'failed', change: 'none' },
    { name: 'pending, success of the amount by an older attempt', from: 'pending', result: success(50_000), to: 'paid', change: 'paid' },
    { name: 'pending, success of 1 CLP by an older attempt', from: 'pending', result: success(1), to: 'needs_review', change: 'wrong_amount' },
  ] as const)('not the latest attempt: $name → $to (money that moved always counts)', ({ from, result, to, change }) => {
    const moved = nextOrder(order(from), result, false);
    expect(moved.order.status).toBe(to);
    expect(moved.change).toBe(change);
  });

  it('paid never goes back and is reached only by a success of exactly the amount', () => {
    const result = fc.record({
      outcome: fc.constantFrom('success', 'failure', 'pending'),
      providerStatus: fc.string({ maxLength: 10 }),
      amount: fc.integer({ min: 1, max: 999_999_999 }),
    }) as fc.Arbitrary<AttemptResult>;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), fc.array(result, { maxLength: 12 }), (amount, results) => {
        let state: OrderState = { status: 'pending', amount };
        for (const next of results) {
          const before = state.status;
          state = nextOrder(state, next).order;
          expect(ORDER_STATUSES).toContain(state.status);
          expect(state.amount).toBe(amount);
          if (before === 'paid') expect(state.status).toBe('paid');
          if (before !== 'paid' && state.status === 'paid') {
            expect(next).toMatchObject({ outcome: 'success', amount });
          }
        }
      }),
    );
  });
});

describe('nextAttempt', () => {
  it('a success stays a success; the paid amount is kept beside the asked one', () => {
    const paid = nextAttempt({ status: 'pending', amount: 50_000 }, success(1));
    expect(paid).toMatchObject({ status: 'succeeded', amount: 50_000, paid_amount: 1 });
    expect(nextAttempt(paid, failure)).toBe(paid);
  });

  it('a failure then a success of the same attempt: succeeded', () => {
    const failed = nextAttempt({ status: 'pending', amount: 50_000 }, failure);
    expect(failed.status).toBe('failed');
    expect(nextAttempt(failed, success(50_000)).status).toBe('succeeded');
  });
});

describe('sessionRefusal', () => {
  it.each([
    { name: 'same amount, pending', status: 'pending', amount: 50_000, refusal: undefined },
    { name: 'another amount', status: 'pending', amount: 1, refusal: 'ORDER_CONFLICT' },
    { name: 'paid, same amount', status: 'paid', amount: 50_000, refusal: 'ORDER_ALREADY_PAID' },
    { name: 'paid, another amount', status: 'paid', amount: 1, refusal: 'ORDER_ALREADY_PAID' },
    { name: 'failed, same amount', status: 'failed', amount: 50_000, refusal: undefined },
  ] as const)('$name → $refusal', ({ status, amount, refusal }) => {
    expect(sessionRefusal(order(status), amount)).toBe(refusal);
  });
});

describe('settledResultOf', () => {
  const cases: { name: string; attempt: Parameters<typeof settledResultOf>[0]; result: ReturnType<typeof settledResultOf> }[] = [
    { name: 'pending', attempt: { status: 'pending', amount: 5000 }, result: undefined },
    { name: 'succeeded', attempt: { status: 'succeeded', amount: 5000, paid_amount: 5000, provider_status: 'paid' }, result: { outcome: 'success', providerStatus: 'paid', amount: 5000 } },
    { name: 'succeeded without a recorded amount (fail closed)', attempt: { status: 'succeeded', amount: 5000 }, result: { outcome: 'success', providerStatus: 'succeeded', amount: 0 } },
    { name: 'failed', attempt: { status: 'failed', amount: 5000, provider_status: 'error' }, result: { outcome: 'failure', providerStatus: 'error', amount: 0 } },
  ];
  it.each(cases)('$name → the result it already holds', ({ attempt, result }) => {
    expect(settledResultOf(attempt)).toEqual(result);
  });

  it('applied to an order it already moved, changes nothing', () => {
    const attempt = { status: 'succeeded' as const, amount: 5000, paid_amount: 5000, provider_status: 'paid' };
    const paid = nextOrder({ status: 'pending', amount: 5000 }, settledResultOf(attempt)!);
    expect(paid.change).toBe('paid');
    expect(nextOrder(paid.order, settledResultOf(attempt)!).change).toBe('none');
  });
});

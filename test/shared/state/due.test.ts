// When an attempt is next pulled: 2 minutes after creation, then 4, 8, 16 … minutes apart (capped at 60),
// never past its provider's expiry, and `expired` after it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backOffMs, dueStateOf, expiredAs, FIRST_CHECK_AFTER_MS, firstDue, MAX_CHECK_INTERVAL_MS, nextDue, PULL_EXPIRY_MS } from '#shared/state/due.ts';

const MIN = 60_000;
const created = '2026-12-01T10:00:00.000Z';
const t0 = Date.parse(created);

describe('due schedule', () => {
  it('a new attempt is first due 2 minutes after its creation, in its provider partition', () => {
    expect(firstDue('etpay', created)).toEqual({ due_shard: 'due#etpay', next_check_at: '2026-12-01T10:02:00.000Z', due_checks: 0 });
    expect(firstDue('skippay', created).due_shard).toBe('due#skippay');
    expect(FIRST_CHECK_AFTER_MS).toBe(2 * MIN);
  });

  it.each([
    { checks: 1, minutes: 4 },
    { checks: 2, minutes: 8 },
    { checks: 3, minutes: 16 },
    { checks: 4, minutes: 32 },
    { checks: 5, minutes: 60 },
    { checks: 40, minutes: 60 },
  ])('after $checks pull(s) the pause is $minutes min', ({ checks, minutes }) => {
    expect(backOffMs(checks)).toBe(minutes * MIN);
  });

  it('the next check follows the back-off from now and counts the pull', () => {
    const now = t0 + 2 * MIN;
    expect(nextDue('skippay', created, 0, now)).toEqual({ due_shard: 'due#skippay', next_check_at: new Date(now + 4 * MIN).toISOString(), due_checks: 1 });
  });

  it('ETpay after 24 h and SkipPay after 45 days: expired', () => {
    expect(nextDue('etpay', created, 3, t0 + PULL_EXPIRY_MS.etpay)).toBe('expired');
    expect(nextDue('skippay', created, 3, t0 + 45 * 24 * 60 * MIN)).toBe('expired');
    expect(nextDue('skippay', created, 3, t0 + PULL_EXPIRY_MS.etpay)).not.toBe('expired');
  });

  it('is never scheduled past the expiry nor further apart than the cap', () => {
    fc.assert(
      fc.property(fc.constantFrom('etpay' as const, 'skippay' as const), fc.nat(60), fc.nat(PULL_EXPIRY_MS.skippay), (provider, checks, elapsed) => {
        const now = t0 + elapsed;
        const due = nextDue(provider, created, checks, now);
        if (elapsed >= PULL_EXPIRY_MS[provider]) return due === 'expired';
        if (due === 'expired') return false;
        const next = Date.parse(due.next_check_at);
        return next > now && next - now <= MAX_CHECK_INTERVAL_MS && next <= t0 + PULL_EXPIRY_MS[provider] && due.due_checks === checks + 1;
      }),
    );
  });
});

describe('at the expiry: abandoned or stuck (expiredAs)', () => {
  it.each([
    { thisPull: 'no_payment', before: undefined, as: 'abandoned' },
    { thisPull: 'no_payment', before: 'not_final', as: 'abandoned' },
    { thisPull: undefined, before: 'no_payment', as: 'abandoned' }, // only the last pull failed
    { thisPull: 'not_final', before: 'no_payment', as: 'stuck' },
    { thisPull: undefined, before: 'not_final', as: 'stuck' },
    { thisPull: undefined, before: undefined, as: 'stuck' }, // pulls kept failing
  ] as const)('this pull $thisPull, the one before $before → $as', ({ thisPull, before, as }) => {
    expect(expiredAs(thisPull, dueStateOf({ due_checks: 3, pull_answer: before }))).toBe(as);
  });

  it('reads the due state from a raw item, fail closed on anything unexpected', () => {
    expect(dueStateOf({ due_checks: 4, pull_answer: 'no_payment' })).toEqual({ checks: 4, lastAnswer: 'no_payment' });
    expect(dueStateOf({})).toEqual({ checks: 0, lastAnswer: undefined });
    expect(dueStateOf({ due_checks: '4', pull_answer: 'NO_PAYMENT' })).toEqual({ checks: 0, lastAnswer: undefined });
    expect(dueStateOf({ due_checks: -1, pull_answer: 1 })).toEqual({ checks: 0, lastAnswer: undefined });
  });
});

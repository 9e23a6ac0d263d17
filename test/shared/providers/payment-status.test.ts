// Each provider's status vocabulary in our words: the pure mapping functions, case by case, and the
// invariants that keep money exact (nothing but the provider's paid word is `paid`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEtpayStatus, type EtpayPayment } from '#shared/providers/etpay-status.ts';
import { PROVIDER_AMOUNT } from '#shared/providers/payment-status.ts';
import { normalizeSkipPayStatus } from '#shared/providers/skippay-status.ts';

const payment = (overrides: Partial<EtpayPayment> = {}): EtpayPayment => ({
  payment_token: 'pay_1',
  session_token: 'sess_1',
  merchant_order_id: 'OC-1',
  merchant_amount: 50000,
  payment_status: 'success',
  ...overrides,
});

describe('normalizeEtpayStatus', () => {
  const cases: { name: string; payments: EtpayPayment[]; session?: string; expected: ReturnType<typeof normalizeEtpayStatus> }[] = [
    { name: 'no payment yet', payments: [], expected: { outcome: 'pending' } },
    { name: 'success', payments: [payment()], expected: { outcome: 'paid', amount: 50000, provider_status: 'success', payment_token: 'pay_1' } },
    { name: 'error', payments: [payment({ payment_status: 'error' })], expected: { outcome: 'failed', provider_status: 'error' } },
    { name: 'a word that is not final', payments: [payment({ payment_status: 'pending' })], expected: { outcome: 'pending', provider_status: 'pending' } },
    { name: 'an unknown word', payments: [payment({ payment_status: 'cancelled' })], expected: { outcome: 'pending', provider_status: 'cancelled' } },
    { name: 'not exactly the word', payments: [payment({ payment_status: 'SUCCESS' })], expected: { outcome: 'pending', provider_status: 'SUCCESS' } },
    {
      name: 'an error, then a success',
      payments: [payment({ payment_status: 'error', payment_token: 'pay_0' }), payment()],
      expected: { outcome: 'paid', amount: 50000, provider_status: 'success', payment_token: 'pay_1' },
    },
    {
      name: 'an error and one not final',
      payments: [payment({ payment_status: 'error' }), payment({ payment_status: 'processing' })],
      expected: { outcome: 'pending', provider_status: 'processing' },
    },
    {
      name: 'a success without a readable amount',
      payments: [payment({ merchant_amount: undefined })],
      expected: { outcome: 'paid', provider_status: 'success', payment_token: 'pay_1' },
    },
    {
      name: 'two successes that disagree on the amount',
      payments: [payment(), payment({ payment_token: 'pay_2', merchant_amount: 1 })],
      expected: { outcome: 'paid', provider_status: 'success', payment_token: 'pay_1' },
    },
    { name: "another session's success", session: 'sess_1', payments: [payment({ session_token: 'sess_2' })], expected: { outcome: 'pending' } },
    {
      name: 'a success naming no session, asked about one',
      session: 'sess_1',
      payments: [payment({ session_token: undefined })],
      expected: { outcome: 'pending' },
    },
    {
      name: "its own session's success among others",
      session: 'sess_1',
      payments: [payment({ session_token: 'sess_2', payment_status: 'error' }), payment()],
      expected: { outcome: 'paid', amount: 50000, provider_status: 'success', payment_token: 'pay_1' },
    },
  ];
  it.each(cases)('$name → $expected.outcome', ({ payments, session, expected }) => {
    expect(normalizeEtpayStatus(payments, session)).toEqual(expected);
  });

  it('is paid exactly when some own payment says `success`, whatever the order', () => {
    const word = fc.constantFrom('success', 'error', 'pending', 'cancelled', 'Success');
    const entry = fc.record({ payment_status: word, session_token: fc.constantFrom('sess_1', 'sess_2'), merchant_amount: fc.nat() });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
        const result = normalizeEtpayStatus(entries, 'sess_1');
        const own = entries.filter((e) => e.session_token === 'sess_1');
        expect(result.outcome === 'paid').toBe(own.some((e) => e.payment_status === 'success'));
        expect(normalizeEtpayStatus([...entries].reverse(), 'sess_1').outcome).toBe(result.outcome);
      }),
    );
  });
});

describe('normalizeSkipPayStatus', () => {
  const cases: [string, Parameters<typeof normalizeSkipPayStatus>[0], ReturnType<typeof normalizeSkipPayStatus>][] = [
    ['paid', { status: 'paid', total_amount: 50000 }, { outcome: 'paid', amount: 50000, provider_status: 'paid' }],
    ['paid, amount unreadable', { status: 'paid', total_amount: undefined }, { outcome: 'paid', provider_status: 'paid' }],
    ['pending', { status: 'pending', total_amount: 50000 }, { outcome: 'pending', provider_status: 'pending' }],
    ['cancelled', { status: 'cancelled', total_amount: 50000 }, { outcome: 'failed', provider_status: 'cancelled' }],
    ['canceled', { status: 'canceled', total_amount: 50000 }, { outcome: 'failed', provider_status: 'canceled' }],
    ['rejected', { status: 'rejected', total_amount: 50000 }, { outcome: 'failed', provider_status: 'rejected' }],
    ['expired', { status: 'expired', total_amount: 50000 }, { outcome: 'failed', provider_status: 'expired' }],
    ['failed', { status: 'failed', total_amount: 50000 }, { outcome: 'failed', provider_status: 'failed' }],
    ['an unknown word', { status: 'authorized', total_amount: 50000 }, { outcome: 'pending', provider_status: 'authorized' }],
    ['not exactly the word', { status: 'PAID', total_amount: 50000 }, { outcome: 'pending', provider_status: 'PAID' }],
  ];
  it.each(cases)('%s', (_name, state, expected) => {
    expect(normalizeSkipPayStatus(state)).toEqual(expected);
  });

  it('nothing but `paid` is paid, and the provider word is always kept', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.option(fc.nat(), { nil: undefined }), (status, amount) => {
        const result = normalizeSkipPayStatus({ status, total_amount: amount });
        expect(result.outcome === 'paid').toBe(status === 'paid');
        expect(result.provider_status).toBe(status);
      }),
    );
  });
});

describe('PROVIDER_AMOUNT', () => {
  it.each([
    [50000, 50000],
    ['50000', 50000],
    ['50000.00', 50000],
    [0, 0],
  ])('reads %j as %i', (raw, expected) => {
    expect(PROVIDER_AMOUNT.parse(raw)).toBe(expected);
  });
  it.each([[50000.5], ['50.000'], ['1.000.000'], ['50000.5'], [-1], [''], ['1e5'], [null], [true]])('refuses %j', (raw) => {
    expect(PROVIDER_AMOUNT.safeParse(raw).success).toBe(false);
  });
});

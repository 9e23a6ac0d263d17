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
  const cases: { name: string; state: Parameters<typeof normalizeSkipPayStatus>[0]; expected: ReturnType<typeof normalizeSkipPayStatus> }[] = [
    { name: 'paid', state: { status: 'paid', total_amount: 50000 }, expected: { outcome: 'paid', amount: 50000, provider_status: 'paid' } },
    { name: 'paid, amount unreadable', state: { status: 'paid', total_amount: undefined }, expected: { outcome: 'paid', provider_status: 'paid' } },
    { name: 'pending', state: { status: 'pending', total_amount: 50000 }, expected: { outcome: 'pending', provider_status: 'pending' } },
    { name: 'cancelled', state: { status: 'cancelled', total_amount: 50000 }, expected: { outcome: 'failed', provider_status: 'cancelled' } },
    { name: 'canceled', state: { status: 'canceled', total_amount: 50000 }, expected: { outcome: 'failed', provider_status: 'canceled' } },
    { name: 'rejected', state: { status: 'rejected', total_amount: 50000 }, expected: { outcome: 'failed', provider_status: 'rejected' } },
    { name: 'expired', state: { status: 'expired', total_amount: 50000 }, expected: { outcome: 'failed', provider_status: 'expired' } },
    { name: 'failed', state: { status: 'failed', total_amount: 50000 }, expected: { outcome: 'failed', provider_status: 'failed' } },
    { name: 'an unknown word', state: { status: 'authorized', total_amount: 50000 }, expected: { outcome: 'pending', provider_status: 'authorized' } },
    { name: 'not exactly the word', state: { status: 'PAID', total_amount: 50000 }, expected: { outcome: 'pending', provider_status: 'PAID' } },
  ];
  it.each(cases)('$name → $expected.outcome', ({ state, expected }) => {
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
  const read = [
    { name: 'a JSON integer', raw: 50000, expected: 50000 },
    { name: 'a string of digits', raw: '50000', expected: 50000 },
    { name: 'digits with .00', raw: '50000.00', expected: 50000 },
    { name: 'zero', raw: 0, expected: 0 },
  ];
  it.each(read)('$name ($raw) → $expected', ({ raw, expected }) => {
    expect(PROVIDER_AMOUNT.parse(raw)).toBe(expected);
  });
  const refused = [
    { name: 'a fraction', raw: 50000.5 },
    { name: 'Chilean thousands (fifty thousand)', raw: '50.000' },
    { name: 'Chilean thousands (a million)', raw: '1.000.000' },
    { name: 'a fraction as text', raw: '50000.5' },
    { name: 'a negative', raw: -1 },
    { name: 'empty text', raw: '' },
    { name: 'an exponent', raw: '1e5' },
    { name: 'null', raw: null },
    { name: 'a boolean', raw: true },
  ];
  it.each(refused)('$name ($raw) → refused', ({ raw }) => {
    expect(PROVIDER_AMOUNT.safeParse(raw).success).toBe(false);
  });
});

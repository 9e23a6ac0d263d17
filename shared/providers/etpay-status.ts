// ETpay: pull a payment's status, `POST {ETPAY_API_URL}/merchant/check_payment_status` (ETpay's "Search
// payment status"; ../../README.md lists what is TO BE CONFIRMED). Read-only at ETpay, so retried once on
// a connection failure or a 503 like session initialisation.
import * as z from 'zod/mini';
import type { EtpayConnection } from './etpay.ts';
import { callProvider } from './http-client.ts';
import { lenient, PROVIDER_AMOUNT, PROVIDER_STATUS_WORD, type ProviderPaymentStatus } from './payment-status.ts';
import { endpoint } from './urls.ts';

type StatusKey = 'session_token' | 'merchant_order_id' | 'payment_token';
/** ETpay wants at least one of the three; the type says so. */
export type EtpayStatusQuery = {
  [K in StatusKey]: Record<K, string> & Partial<Record<Exclude<StatusKey, K>, string>>;
}[StatusKey];

const id = z.string().check(z.minLength(1), z.maxLength(256));

// Only what the state needs is read: user_rut, user_account and user_bank (personal data) are dropped
// here, so they can reach neither a log line nor a record.
const etpayPayment = z.object({
  payment_token: lenient(id),
  session_token: lenient(id),
  merchant_order_id: lenient(id),
  merchant_amount: lenient(PROVIDER_AMOUNT),
  merchant_currency: lenient(z.string().check(z.maxLength(8))),
  payment_status: PROVIDER_STATUS_WORD,
  payment_date: lenient(z.string().check(z.maxLength(64))),
});
export type EtpayPayment = z.output<typeof etpayPayment>;

// Documented as an array (several sessions may share one merchant_order_id); a lone object is read as one.
const statusAnswer = z.union([z.array(etpayPayment).check(z.maxLength(1000)), etpayPayment]);

export const checkEtpayPaymentStatus = async (query: EtpayStatusQuery, connection: EtpayConnection): Promise<EtpayPayment[]> => {
  const answer = await callProvider({
    provider: 'etpay',
    operation: 'check-payment-status',
    url: endpoint(connection.apiUrl, 'merchant/check_payment_status'),
    body: {
      // merchant_code as on session initialise (ETpay documents only the token; harmless if ignored).
      merchant_code: connection.merchantCode,
      merchant_api_token: connection.merchantApiToken,
      ...query,
    },
    schema: statusAnswer,
    timeoutMs: connection.timeoutMs,
    deadline: connection.deadline,
    retry: 'once-on-unavailable',
  });
  return Array.isArray(answer) ? answer : [answer];
};

/** ETpay's documented final states; any other word is not final yet. */
const ETPAY_PAID = 'success';
const ETPAY_FAILED = 'error';

export interface EtpayPaymentStatus extends ProviderPaymentStatus {
  /** The successful payment's token: the key a later notification of the same payment is recognised by. */
  payment_token?: string;
}

/**
 * ETpay's word for one session (an attempt), from a status answer. Payments of other sessions are ignored,
 * and so, when asking about a session, are payments that do not name theirs (fail closed). Any `success`
 * is money moved: `paid`, at its amount only if every success agrees on one. Only when every payment is
 * `error` is the session `failed`; otherwise (none yet, or a word that is not final) `pending`.
 */
export const normalizeEtpayStatus = (payments: readonly EtpayPayment[], sessionToken?: string): EtpayPaymentStatus => {
  const own = sessionToken === undefined ? payments : payments.filter((payment) => payment.session_token === sessionToken);
  const successes = own.filter((payment) => payment.payment_status === ETPAY_PAID);
  if (successes.length > 0) {
    const amounts = new Set(successes.map((payment) => payment.merchant_amount));
    const [amount] = amounts;
    const token = successes.find((payment) => payment.payment_token !== undefined)?.payment_token;
    return {
      outcome: 'paid',
      provider_status: ETPAY_PAID,
      ...(amounts.size === 1 && amount !== undefined ? { amount } : {}),
      ...(token === undefined ? {} : { payment_token: token }),
    };
  }
  if (own.length > 0 && own.every((payment) => payment.payment_status === ETPAY_FAILED)) {
    return { outcome: 'failed', provider_status: ETPAY_FAILED };
  }
  const word = own.find((payment) => payment.payment_status !== ETPAY_FAILED)?.payment_status;
  return word === undefined ? { outcome: 'pending' } : { outcome: 'pending', provider_status: word };
};

/** One attempt's truth at ETpay: pulled by its session token, mapped to our words. */
export const pullEtpaySessionStatus = async (sessionToken: string, connection: EtpayConnection): Promise<EtpayPaymentStatus> =>
  normalizeEtpayStatus(await checkEtpayPaymentStatus({ session_token: sessionToken }, connection), sessionToken);

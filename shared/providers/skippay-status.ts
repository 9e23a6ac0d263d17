// SkipPay: pull an order's status, `GET {SKIPPAY_API_URL}/orders/{hash}` (the read Skip's widget makes,
// per Skip's integration example). A read: retried once on a connection failure or a 503.
import * as z from 'zod/mini';
import { ApiError } from '../errors.ts';
import { callProvider } from './http-client.ts';
import { providerTokenSchema, TOKEN_PATTERN } from '../domain/provider-token.ts';
import { lenient, PROVIDER_AMOUNT, PROVIDER_STATUS_WORD, type ProviderPaymentStatus } from './payment-status.ts';
import type { SkipPayConnection } from './skippay.ts';
import { endpoint } from './urls.ts';

/**
 * The credential for this read is TO BE CONFIRMED with Skip (README): patient-facing order reads use the
 * client id, order creation the client secret. The secret is what a merchant server holds; one place to
 * change it.
 */
const skipPayOrderReadHeaders = (connection: SkipPayConnection): Record<string, string> => ({
  authorization: `Bearer ${connection.clientSecret}`,
});

// What order creation answers (hash, reference, status, total_amount); customer data, if Skip sends any,
// is dropped here.
const order = z.object({
  hash: z.optional(providerTokenSchema),
  status: PROVIDER_STATUS_WORD,
  total_amount: lenient(PROVIDER_AMOUNT),
  reference: lenient(z.string().check(z.maxLength(64))),
});
// Undocumented: the flat shape creation answers with, or the same inside `data`.
const orderAnswer = z.union([order, z.object({ data: order })]);
export type SkipPayOrderState = z.output<typeof order>;
const stateOf = (answer: z.output<typeof orderAnswer>): SkipPayOrderState => ('data' in answer ? answer.data : answer);

export const getSkipPayOrder = async (orderToken: string, connection: SkipPayConnection): Promise<SkipPayOrderState> => {
  // The hash is a path segment: only the URL-safe tokens we accepted at creation ever get here.
  if (!TOKEN_PATTERN.test(orderToken)) throw new ApiError('INTERNAL_ERROR', { reason: 'skippay order read: not an order token' });
  const answer = await callProvider({
    provider: 'skippay',
    operation: 'get-order',
    method: 'GET',
    url: endpoint(connection.apiUrl, `orders/${orderToken}`),
    headers: skipPayOrderReadHeaders(connection),
    schema: orderAnswer,
    timeoutMs: connection.timeoutMs,
    deadline: connection.deadline,
    retry: 'once-on-unavailable',
    check: (read) => {
      // An answer about another order is not an answer about ours.
      const { hash } = stateOf(read);
      if (hash !== undefined && hash !== orderToken) {
        throw new ApiError('UPSTREAM_BAD_RESPONSE', { upstream: 'skippay', reason: 'order read: another order hash' });
      }
    },
  });
  return stateOf(answer);
};

/** SkipPay's word for the paid order (its webhook says `order.paid` / `paid`). */
const SKIPPAY_PAID = 'paid';
/**
 * Words taken as final without payment. Skip documents no list: these are the usual ones, TO BE CONFIRMED
 * (README). An unknown word stays `pending` until the 45-day expiry, where the stuck-payment alarm catches it.
 */
const SKIPPAY_FAILED: ReadonlySet<string> = new Set(['cancelled', 'canceled', 'rejected', 'expired', 'failed']);

/** SkipPay's order status in our words: exact, lower-case words only (anything else is not final). */
export const normalizeSkipPayStatus = (state: Pick<SkipPayOrderState, 'status' | 'total_amount'>): ProviderPaymentStatus => {
  const { status, total_amount: amount } = state;
  if (status === SKIPPAY_PAID) return { outcome: 'paid', provider_status: status, ...(amount === undefined ? {} : { amount }) };
  if (SKIPPAY_FAILED.has(status)) return { outcome: 'failed', provider_status: status };
  return { outcome: 'pending', provider_status: status };
};

/** One order's (and attempt's) truth at SkipPay, in our words. */
export const pullSkipPayOrderStatus = async (orderToken: string, connection: SkipPayConnection): Promise<ProviderPaymentStatus> =>
  normalizeSkipPayStatus(await getSkipPayOrder(orderToken, connection));

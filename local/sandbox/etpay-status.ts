// ETpay stand-in: `POST /merchant/check_payment_status` (ETpay's "Search payment status"), the pull the
// backend pairs with notifications. Answers an array of payments with ETpay's documented fields, personal
// ones included (fake), so a test can see the backend drop them.
import { z } from 'zod';
import type { EtpaySession, Exchange } from './http.ts';
import { randomId, readJsonBody, sameSecret, sendError, sendJson, validRequest } from './http.ts';
import { answerFault, findFault } from './faults.ts';
import { ETPAY_SANDBOX_MERCHANT_API_TOKEN, ETPAY_SANDBOX_MERCHANT_CODE } from './credentials.ts';

const statusRequest = z
  .object({
    merchant_api_token: z.string(),
    merchant_code: z.string().optional(),
    session_token: z.string().min(1).optional(),
    merchant_order_id: z.string().min(1).optional(),
    payment_token: z.string().min(1).optional(),
  })
  .refine((body) => body.session_token ?? body.merchant_order_id ?? body.payment_token, {
    message: 'one of session_token, merchant_order_id, payment_token is required',
    path: ['session_token'],
  });

/** Finishes a session: `paid` is ETpay's `success`, `failed` its `error`. The amount may differ (tests). */
export function recordEtpayPayment(session: EtpaySession, outcome: 'paid' | 'failed', amount = session.orderAmount): void {
  session.state = outcome === 'paid' ? 'paid' : 'cancelled';
  session.payment = {
    paymentToken: randomId(16),
    status: outcome === 'paid' ? 'success' : 'error',
    amount,
    at: new Date().toISOString(),
    reason: outcome === 'paid' ? null : 'cancelled',
  };
}

/** One payment in ETpay's answer shape (user_* are fake, and personal: the backend must drop them). */
function paymentOf(session: EtpaySession, payment: NonNullable<EtpaySession['payment']>): Record<string, unknown> {
  return {
    payment_token: payment.paymentToken,
    session_token: session.token,
    merchant_order_id: session.merchantOrderId,
    merchant_amount: payment.amount,
    merchant_currency: 'CLP',
    user_bank: session.userBankCode ?? 'cl_santander',
    user_rut: session.userRut ?? '111111111',
    user_account: '000012345678',
    payment_status: payment.status,
    payment_date: payment.at,
    validationWeb: true,
    validationMail: true,
    reason: payment.reason,
    code: payment.status === 'success' ? 0 : 1,
    confirmated_at: payment.status === 'success' ? payment.at : null,
  };
}

export function checkPaymentStatus(ex: Exchange): void {
  const parsed = readJsonBody(ex);
  if (!parsed.ok) return;
  const body = typeof parsed.value === 'object' && parsed.value !== null ? (parsed.value as Record<string, unknown>) : {};
  const matches = [...ex.state.etpaySessions.values()].filter(
    (session) =>
      (body.session_token === undefined || body.session_token === session.token) &&
      (body.merchant_order_id === undefined || body.merchant_order_id === session.merchantOrderId) &&
      (body.payment_token === undefined || body.payment_token === session.payment?.paymentToken),
  );
  // Faults first, as on the other endpoints: typed into the body, or armed on a session by the control.
  const fault = findFault(parsed.value) ?? matches.find((session) => session.pullFault !== undefined)?.pullFault;
  if (fault !== undefined) {
    answerFault(ex, fault, 200, [{ session_token: body.session_token ?? 'unknown' }]);
    return;
  }
  if (!sameSecret(body.merchant_api_token, ETPAY_SANDBOX_MERCHANT_API_TOKEN) || (body.merchant_code !== undefined && !sameSecret(body.merchant_code, ETPAY_SANDBOX_MERCHANT_CODE))) {
    sendError(ex.res, 401, 'unauthorized', 'Invalid merchant_api_token');
    return;
  }
  if (validRequest(ex, statusRequest, parsed.value, 'The status request is not valid') === undefined) return;
  // A session without a payment yet (or an unknown one) is not in the answer: an empty array.
  sendJson(ex.res, 200, matches.flatMap((session) => (session.payment === undefined ? [] : [paymentOf(session, session.payment)])));
}

// The two ETpay result routes' domain calls: the payer's browser confirming (clinic frontend) and ETpay
// notifying (server to server). Both verify the same JWT and record the payment once per payment_token.
import type { JsonResult } from '../http/response.ts';
import type { RouteContext } from '../http/route.ts';
import { logger } from '../observability/logger.ts';
import { itemId, RETENTION_SECONDS } from '../state/keys.ts';
import { recordOnce, recordPaymentState } from '../state/payment-state.ts';
import { expiresIn } from '../state/table.ts';
import { verifyPaymentResult, type VerifiedPaymentResult } from './payment-result.ts';
import type { ConfirmEtpayPaymentBody, EtpayNotificationBody } from '../routes/create-etpay-session/schema.ts';

type Source = 'confirmation' | 'notification';

/** False for a payment_token already recorded (a replay); undefined when the JWT carries none. */
const recordResult = async (table: string, result: VerifiedPaymentResult, source: Source): Promise<boolean | undefined> => {
  const { session, payment_status, payment_token, paid } = result;
  const updateOrder = () => recordPaymentState(table, 'etpay', session.merchant_order_id, { status: payment_status, paid });
  if (payment_token === undefined) {
    await updateOrder();
    return undefined;
  }
  return recordOnce(
    table,
    {
      id: itemId.etpayPayment(payment_token),
      payment_token,
      session_token: session.token,
      merchant_order_id: session.merchant_order_id,
      order_amount: session.order_amount,
      payment_status,
      paid,
      source,
      received_at: new Date().toISOString(),
      expiration: expiresIn(RETENTION_SECONDS.paymentRecords),
    },
    updateOrder,
  );
};

const logResult = (source: Source, result: VerifiedPaymentResult, recorded: boolean | undefined): void => {
  logger.info('etpay payment result', {
    source,
    payment_status: result.payment_status,
    paid: result.paid,
    replay: recorded === false,
  });
};

/** POST /v1/etpay/confirmations */
export const confirmEtpayPayment = async (
  input: ConfirmEtpayPaymentBody,
  ctx: RouteContext<'confirm-etpay-payment'>,
): Promise<JsonResult> => {
  const result = await verifyPaymentResult(input.jwt, ctx.settings.PAYMENTS_TABLE);
  logResult('confirmation', result, await recordResult(ctx.settings.PAYMENTS_TABLE, result, 'confirmation'));
  return {
    statusCode: 200,
    body: {
      merchant_order_id: result.session.merchant_order_id,
      order_amount: result.session.order_amount,
      payment_status: result.payment_status,
      paid: result.paid,
    },
  };
};

/** POST /v1/etpay/notifications: a replay is acknowledged like the first delivery, and not recorded again. */
export const receiveEtpayNotification = async (
  input: EtpayNotificationBody,
  ctx: RouteContext<'receive-etpay-notification'>,
): Promise<JsonResult> => {
  // Without a payment_token a notification cannot be recorded once: it is refused like any bad claim.
  const result = await verifyPaymentResult(input.payment, ctx.settings.PAYMENTS_TABLE, { requirePaymentToken: true });
  logResult('notification', result, await recordResult(ctx.settings.PAYMENTS_TABLE, result, 'notification'));
  return { statusCode: 200, body: { received: true } };
};

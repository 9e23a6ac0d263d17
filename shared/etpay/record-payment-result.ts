// The two ETpay result routes' domain calls: the payer's browser confirming (clinic frontend, owner only)
// and ETpay notifying (server to server). Both verify the same JWT and record it once: per session and
// payment_token, or, for a confirmation without one, per session and payment_status. Recording goes
// through the state's one result function (shared/state/orders.ts).
import { requireOwner } from '../http/owner.ts';
import type { JsonResult } from '../http/response.ts';
import type { RouteContext } from '../http/route.ts';
import { logger } from '../observability/logger.ts';
import { itemId, RETENTION_SECONDS } from '../state/keys.ts';
import { getOrder, recordAttemptResult } from '../state/orders.ts';
import { expiresIn, recordOnce } from '../state/table.ts';
import { outcomeOf } from '../state/transitions.ts';
import { verifyPaymentResult, type VerifiedPaymentResult } from './payment-result.ts';
import type { ConfirmEtpayPaymentBody, EtpayNotificationBody } from './schema.ts';

type Source = 'confirmation' | 'notification';

/** False for a result already recorded (a replay). */
const recordResult = async (table: string, result: VerifiedPaymentResult, source: Source): Promise<boolean> => {
  const { session, payment_status, payment_token, amount } = result;
  const id =
    payment_token === undefined
      ? itemId.etpayConfirmation(session.provider_id, payment_status)
      : itemId.etpayPayment(session.provider_id, payment_token);
  return recordOnce(
    table,
    {
      id,
      payment_token,
      session_token: session.provider_id,
      merchant_order_id: session.order_id,
      amount,
      payment_status,
      source,
      received_at: new Date().toISOString(),
      expiration: expiresIn(RETENTION_SECONDS.paymentRecords),
    },
    async () => {
      await recordAttemptResult(table, session, { outcome: outcomeOf('etpay', payment_status), providerStatus: payment_status, amount });
    },
  );
};

const logResult = (source: Source, result: VerifiedPaymentResult, recorded: boolean): void => {
  logger.info('etpay payment result', { source, payment_status: result.payment_status, replay: !recorded });
};

/** POST /v1/etpay/confirmations: only the session's owner; anyone else gets 404 and nothing is recorded. */
export const confirmEtpayPayment = async (
  input: ConfirmEtpayPaymentBody,
  ctx: RouteContext<'confirm-etpay-payment'>,
): Promise<JsonResult> => {
  const owner = requireOwner(ctx.caller);
  const { PAYMENTS_TABLE } = ctx.settings;
  const result = await verifyPaymentResult(input.jwt, PAYMENTS_TABLE, { owner });
  logResult('confirmation', result, await recordResult(PAYMENTS_TABLE, result, 'confirmation'));
  const order = await getOrder(PAYMENTS_TABLE, owner, 'etpay', result.session.order_id);
  return {
    statusCode: 200,
    body: {
      merchant_order_id: result.session.order_id,
      order_amount: result.session.amount,
      payment_status: result.payment_status,
      // The order's word, not the result's: paid only for the right amount (v1.1).
      paid: order?.status === 'paid',
      ...(order ? { status: order.status } : {}),
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

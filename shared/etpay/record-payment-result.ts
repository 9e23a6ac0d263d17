// What both ETpay result routes do with a verified result (the payer's browser confirming, ETpay
// notifying): record the payment once per payment_token, move the order's state, and say so in the log.
import { logger } from '../observability/logger.ts';
import { itemId, RETENTION_SECONDS } from '../state/keys.ts';
import { recordOnce, recordPaymentState } from '../state/payment-state.ts';
import { expiresIn } from '../state/table.ts';
import type { VerifiedPaymentResult } from './payment-result.ts';

export type PaymentResultSource = 'confirmation' | 'notification';

/** False for a payment_token already recorded (a replay); undefined when the JWT carries none. */
const recordResult = async (table: string, result: VerifiedPaymentResult, source: PaymentResultSource): Promise<boolean | undefined> => {
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

/** Records a verified result (once per payment_token) and logs what it was. */
export const recordEtpayPaymentResult = async (table: string, result: VerifiedPaymentResult, source: PaymentResultSource): Promise<void> => {
  const recorded = await recordResult(table, result, source);
  logger.info('etpay payment result', {
    source,
    payment_status: result.payment_status,
    paid: result.paid,
    replay: recorded === false,
  });
};

// What both ETpay result routes do with a verified result (the payer's browser confirming, ETpay
// notifying): record it once — per session and payment_token, or, for a confirmation without one, per
// session and payment_status — move its attempt and order through the state's one result function
// (shared/state/orders.ts), and say so in the log.
import { logger } from '../observability/logger.ts';
import { itemId, RETENTION_SECONDS } from '../state/keys.ts';
import { recordAttemptResult } from '../state/attempt-results.ts';
import { expiresIn, recordOnce } from '../state/table.ts';
import { outcomeOf } from '../state/transitions.ts';
import type { VerifiedPaymentResult } from './payment-result.ts';

export type PaymentResultSource = 'confirmation' | 'notification';

/** False for a result already recorded (a replay). */
const recordResult = async (table: string, result: VerifiedPaymentResult, source: PaymentResultSource): Promise<boolean> => {
  const { session, payment_status, payment_token, amount } = result;
  const id =
    payment_token === undefined
      ? itemId.etpayConfirmation(session.provider_id, payment_status)
      : itemId.etpayPayment(session.provider_id, payment_token);
  const apply = async (): Promise<void> => {
    await recordAttemptResult(table, session, { outcome: outcomeOf('etpay', payment_status), providerStatus: payment_status, amount });
  };
  const first = await recordOnce(
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
    apply,
  );
  // A replay applies the result again: idempotent (nothing is written or published twice), and it repairs a
  // payment record whose state writes never happened (the Lambda stopped, or the table failed, in between).
  if (!first) await apply();
  return first;
};

/** Records a verified result once and logs what it was. */
export const recordEtpayPaymentResult = async (table: string, result: VerifiedPaymentResult, source: PaymentResultSource): Promise<void> => {
  const recorded = await recordResult(table, result, source);
  logger.info('etpay payment result', { source, payment_status: result.payment_status, replay: !recorded });
};

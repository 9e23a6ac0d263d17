// The notification route's one domain call: ETpay's signed result, verified and recorded once. A replay is
// acknowledged like the first delivery, and not recorded again.
import { verifyPaymentResult } from '../../etpay/payment-result.ts';
import { recordEtpayPaymentResult } from '../../etpay/record-payment-result.ts';
import type { RouteContext } from '../../http/route.ts';
import type { ReceiveEtpayNotificationBody, ReceiveEtpayNotificationResult } from './schema.ts';

export const receiveEtpayNotification = async (
  input: ReceiveEtpayNotificationBody,
  ctx: RouteContext<'receive-etpay-notification'>,
): Promise<ReceiveEtpayNotificationResult> => {
  // Without a payment_token a notification cannot be recorded once: it is refused like any bad claim.
  const result = await verifyPaymentResult(input.payment, ctx.settings.PAYMENTS_TABLE, { requirePaymentToken: true });
  await recordEtpayPaymentResult(ctx.settings.PAYMENTS_TABLE, result, 'notification');
  return { statusCode: 200, body: { received: true } };
};

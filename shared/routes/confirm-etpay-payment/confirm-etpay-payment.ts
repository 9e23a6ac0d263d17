// The confirmation route's one domain call: verify the result the payer's browser brought back from ETpay,
// record it once, and tell the clinic frontend what it says.
import { verifyPaymentResult } from '../../etpay/payment-result.ts';
import { recordEtpayPaymentResult } from '../../etpay/record-payment-result.ts';
import type { RouteContext } from '../../http/route.ts';
import type { ConfirmEtpayPaymentBody, ConfirmEtpayPaymentResult } from './schema.ts';

export const confirmEtpayPayment = async (
  input: ConfirmEtpayPaymentBody,
  ctx: RouteContext<'confirm-etpay-payment'>,
): Promise<ConfirmEtpayPaymentResult> => {
  const result = await verifyPaymentResult(input.jwt, ctx.settings.PAYMENTS_TABLE);
  await recordEtpayPaymentResult(ctx.settings.PAYMENTS_TABLE, result, 'confirmation');
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

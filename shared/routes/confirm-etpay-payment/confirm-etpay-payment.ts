// The confirmation route's one domain call: verify the result the payer's browser brought back from ETpay,
// record it once, and tell the clinic frontend what its order now says. Only the session's owner: anyone
// else gets 404 and nothing is recorded.
import { verifyPaymentResult } from '../../etpay/payment-result.ts';
import { recordEtpayPaymentResult } from '../../etpay/record-payment-result.ts';
import type { RouteContext } from '../../http/route.ts';
import { getOrder } from '../../state/orders.ts';
import type { ConfirmEtpayPaymentBody, ConfirmEtpayPaymentResult } from './schema.ts';

export const confirmEtpayPayment = async (
  input: ConfirmEtpayPaymentBody,
  ctx: RouteContext<'confirm-etpay-payment'>,
): Promise<ConfirmEtpayPaymentResult> => {
  const owner = ctx.caller;
  const { PAYMENTS_TABLE } = ctx.settings;
  const result = await verifyPaymentResult(input.jwt, PAYMENTS_TABLE, { owner });
  await recordEtpayPaymentResult(PAYMENTS_TABLE, result, 'confirmation');
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

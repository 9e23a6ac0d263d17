// POST /v1/etpay/confirmations — verify the payment result the payer's browser brought back from ETpay.
import { jsonRoute } from '#shared/http/route.ts';
import { confirmEtpayPayment } from '#shared/routes/confirm-etpay-payment/confirm-etpay-payment.ts';
import { confirmEtpayPaymentBody, confirmEtpayPaymentResponse } from '#shared/routes/confirm-etpay-payment/schema.ts';

export const handler = jsonRoute({
  name: 'confirm-etpay-payment',
  body: confirmEtpayPaymentBody,
  response: confirmEtpayPaymentResponse,
  handle: confirmEtpayPayment,
});

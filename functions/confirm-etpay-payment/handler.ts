// POST /v1/etpay/confirmations — verify the payment result the payer's browser brought back from ETpay.
import { confirmEtpayPayment } from '#shared/etpay/record-payment-result.ts';
import { confirmEtpayPaymentBody } from '#shared/routes/create-etpay-session/schema.ts';
import { jsonRoute } from '#shared/http/route.ts';

export const handler = jsonRoute({
  name: 'confirm-etpay-payment',
  body: confirmEtpayPaymentBody,
  handle: confirmEtpayPayment,
});

// GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token} — latest known state.
import { getRoute } from '#shared/http/route.ts';
import { getPaymentStatus } from '#shared/routes/get-payment-status/get-payment-status.ts';
import { getPaymentStatusPath, getPaymentStatusResponse } from '#shared/routes/get-payment-status/schema.ts';

export const handler = getRoute({
  name: 'get-payment-status',
  path: getPaymentStatusPath,
  response: getPaymentStatusResponse,
  handle: getPaymentStatus,
});

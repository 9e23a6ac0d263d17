// GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token} — latest known state,
// with ?refresh=true pulled from the provider first while pending.
import { getSecret } from '#shared/config/secrets.ts';
import { getRoute } from '#shared/http/route.ts';
import { getPaymentStatus } from '#shared/routes/get-payment-status/get-payment-status.ts';
import { getPaymentStatusPath, getPaymentStatusQuery, getPaymentStatusResponse } from '#shared/routes/get-payment-status/schema.ts';

export const handler = getRoute({
  name: 'get-payment-status',
  path: getPaymentStatusPath,
  query: getPaymentStatusQuery,
  response: getPaymentStatusResponse,
  handle: (path, ctx, query) => getPaymentStatus(path, ctx, query, getSecret),
});

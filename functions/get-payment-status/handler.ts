// GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token} — latest known state,
// with ?refresh=true pulled from the provider first while pending. Secrets Manager is read only by a refresh:
// its client is imported then, not with the function.
import type { getSecret as GetSecret } from '#shared/config/secrets.ts';
import { getRoute } from '#shared/http/route.ts';
import { getPaymentStatus } from '#shared/routes/get-payment-status/get-payment-status.ts';
import { getPaymentStatusPath, getPaymentStatusQuery, getPaymentStatusResponse } from '#shared/routes/get-payment-status/schema.ts';

/** The stage's secret, its module (and the Secrets Manager client) imported on the first refresh. */
const getSecret: typeof GetSecret = async (name, secretId, stage) => (await import('#shared/config/secrets.ts')).getSecret(name, secretId, stage);

export const handler = getRoute({
  name: 'get-payment-status',
  path: getPaymentStatusPath,
  query: getPaymentStatusQuery,
  response: getPaymentStatusResponse,
  handle: (path, ctx, query) => getPaymentStatus(path, ctx, query, getSecret),
});

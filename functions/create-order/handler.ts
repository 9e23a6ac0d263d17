// POST /v1/orders — create a SkipPay AAPD order.
import { getSecret } from '#shared/config/secrets.ts';
import { jsonRoute } from '#shared/http/route.ts';
import { createOrderPerIdempotencyKey } from '#shared/routes/create-order/create-order.ts';
import { createOrderBody, createOrderHeaders, createOrderResponse } from '#shared/routes/create-order/schema.ts';

export const handler = jsonRoute({
  name: 'create-order',
  body: createOrderBody,
  headers: createOrderHeaders,
  response: createOrderResponse,
  secrets: getSecret,
  handle: createOrderPerIdempotencyKey,
});

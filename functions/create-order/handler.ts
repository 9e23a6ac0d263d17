// POST /v1/orders — create a SkipPay AAPD order.
import { jsonRoute } from '#shared/http/route.ts';
import { createOrderOnce } from '#shared/routes/create-order/create-order.ts';
import { createOrderBody, createOrderHeaders } from '#shared/routes/create-order/schema.ts';

export const handler = jsonRoute({
  name: 'create-order',
  body: createOrderBody,
  headers: createOrderHeaders,
  handle: createOrderOnce,
});

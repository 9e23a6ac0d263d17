// POST /v1/orders — create a SkipPay AAPD order.
import { jsonRoute } from '#shared/http/route.ts';
import { createOrderOnce } from '#shared/orders/create-order.ts';
import { createOrderBody, createOrderHeaders } from '#shared/orders/schema.ts';

export const handler = jsonRoute({
  name: 'create-order',
  body: createOrderBody,
  headers: createOrderHeaders,
  handle: createOrderOnce,
});

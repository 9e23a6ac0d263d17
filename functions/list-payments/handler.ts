// GET /v1/payments — the caller's orders by creation time, through the orders-by-owner index.
import { getRoute } from '#shared/http/route.ts';
import { listPayments } from '#shared/routes/list-payments/list-payments.ts';
import { listPaymentsPath, listPaymentsQuery, listPaymentsResponse } from '#shared/routes/list-payments/schema.ts';

export const handler = getRoute({
  name: 'list-payments',
  path: listPaymentsPath,
  query: listPaymentsQuery,
  response: listPaymentsResponse,
  handle: listPayments,
});

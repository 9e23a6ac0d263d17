// GET /v1/payments — the caller's orders by creation time, through the orders-by-owner index.
import { getRoute } from '#shared/http/route.ts';
import { listPayments, listPaymentsPath } from '#shared/routes/list-payments/list-payments.ts';
import { listPaymentsQuery } from '#shared/routes/list-payments/schema.ts';

export const handler = getRoute({
  name: 'list-payments',
  path: listPaymentsPath,
  query: listPaymentsQuery,
  handle: listPayments,
});

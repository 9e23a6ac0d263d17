// GET /v1/payments: the caller's own orders, newest first, one page at a time, for the daily reconciliation.
import * as z from 'zod/mini';
import { requireOwner } from '../../http/owner.ts';
import type { JsonResult } from '../../http/response.ts';
import type { RouteContext } from '../../http/route.ts';
import { listOrders } from '../../state/order-listing.ts';
import { paymentView } from '../../state/orders.ts';
import { rangeOf, type ListPaymentsQuery } from './schema.ts';

/** No path parameters. */
export const listPaymentsPath = z.object({});

export const listPayments = async (
  _path: unknown,
  ctx: RouteContext<'list-payments'>,
  query: ListPaymentsQuery,
): Promise<JsonResult> => {
  const owner = requireOwner(ctx.caller);
  const { from, to } = rangeOf(query);
  const { orders, nextCursor } = await listOrders(ctx.settings.PAYMENTS_TABLE, {
    owner,
    from,
    to,
    limit: query.limit,
    provider: query.provider,
    status: query.status,
    cursor: query.cursor,
  });
  return { statusCode: 200, body: { payments: orders.map(paymentView), ...(nextCursor ? { next_cursor: nextCursor } : {}) } };
};

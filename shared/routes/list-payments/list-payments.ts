// The listing route's one domain call: the caller's own orders, newest first, one page at a time, for the
// daily reconciliation (through the orders-by-owner index: shared/state/order-listing.ts).
import type { RouteContext } from '../../http/route.ts';
import { listOrders } from '../../state/order-listing.ts';
import { paymentView } from '../../state/orders.ts';
import { rangeOf, type ListPaymentsQuery, type ListPaymentsResult } from './schema.ts';

export const listPayments = async (_path: unknown, ctx: RouteContext<'list-payments'>, query: ListPaymentsQuery): Promise<ListPaymentsResult> => {
  const owner = ctx.caller;
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

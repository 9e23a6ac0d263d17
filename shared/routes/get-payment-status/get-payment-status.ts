// The payment-status route's one domain call, for both its routes: the provider is told apart by the path
// parameter its route names. Only the owner's order is ever found: another clinic's order answers 404
// exactly like an unknown one.
import { ApiError } from '../../errors.ts';
import type { RouteContext } from '../../http/route.ts';
import { getOrder, paymentView } from '../../state/orders.ts';
import type { GetPaymentStatusPath, GetPaymentStatusResult } from './schema.ts';

export const getPaymentStatus = async (path: GetPaymentStatusPath, ctx: RouteContext<'get-payment-status'>): Promise<GetPaymentStatusResult> => {
  const owner = ctx.caller;
  const { PAYMENTS_TABLE } = ctx.settings;
  const order =
    path.merchant_order_id !== undefined
      ? await getOrder(PAYMENTS_TABLE, owner, 'etpay', path.merchant_order_id)
      : path.order_token !== undefined
        ? await getOrder(PAYMENTS_TABLE, owner, 'skippay', path.order_token)
        : undefined;
  if (!order) throw new ApiError('NOT_FOUND', { message: 'No payment is known for this order.' });
  return { statusCode: 200, body: paymentView(order) };
};

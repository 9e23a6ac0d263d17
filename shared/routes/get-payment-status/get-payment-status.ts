// The payment-status route's one domain call, for both its routes: the provider is told apart by the path
// parameter its route names.
import { ApiError } from '../../errors.ts';
import type { RouteContext } from '../../http/route.ts';
import { getPaymentState } from '../../state/payment-state.ts';
import type { GetPaymentStatusPath, GetPaymentStatusResult } from './schema.ts';

export const getPaymentStatus = async (path: GetPaymentStatusPath, ctx: RouteContext<'get-payment-status'>): Promise<GetPaymentStatusResult> => {
  const { PAYMENTS_TABLE } = ctx.settings;
  const state =
    path.merchant_order_id !== undefined
      ? await getPaymentState(PAYMENTS_TABLE, 'etpay', path.merchant_order_id)
      : path.order_token !== undefined
        ? await getPaymentState(PAYMENTS_TABLE, 'skippay', path.order_token)
        : undefined;
  if (!state) throw new ApiError('NOT_FOUND', { message: 'No payment state is known for this order.' });
  return { statusCode: 200, body: state };
};

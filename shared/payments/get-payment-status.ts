// GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token}: one function,
// the provider told apart by the path parameter its route names. Only the owner's order is ever found:
// another clinic's order answers 404 exactly like an unknown one.
import * as z from 'zod/mini';
import { safeTextSchema } from '../domain/index.ts';
import { ApiError } from '../errors.ts';
import { requireOwner } from '../http/owner.ts';
import type { JsonResult } from '../http/response.ts';
import type { RouteContext } from '../http/route.ts';
import { PROVIDER_TOKEN } from '../providers/urls.ts';
import { getOrder, paymentView } from '../state/orders.ts';

/** The same rules as where the ids came from: the ETpay session request and SkipPay's order hash. */
export const paymentStatusPath = z.object({
  merchant_order_id: z.optional(safeTextSchema(1, 64)),
  order_token: z.optional(PROVIDER_TOKEN),
});
export type PaymentStatusPath = z.output<typeof paymentStatusPath>;

export const getPaymentStatus = async (path: PaymentStatusPath, ctx: RouteContext<'get-payment-status'>): Promise<JsonResult> => {
  const owner = requireOwner(ctx.caller);
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

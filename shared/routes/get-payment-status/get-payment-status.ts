// GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token}: one function,
// the provider told apart by the path parameter its route names.
import * as z from 'zod/mini';
import { safeTextSchema } from '../../domain/index.ts';
import { ApiError } from '../../errors.ts';
import type { JsonResult } from '../../http/response.ts';
import type { RouteContext } from '../../http/route.ts';
import { PROVIDER_TOKEN } from '../../providers/urls.ts';
import { getPaymentState } from '../../state/payment-state.ts';

/** The same rules as where the ids came from: the ETpay session request and SkipPay's order hash. */
export const paymentStatusPath = z.object({
  merchant_order_id: z.optional(safeTextSchema(1, 64)),
  order_token: z.optional(PROVIDER_TOKEN),
});
export type PaymentStatusPath = z.output<typeof paymentStatusPath>;

export const getPaymentStatus = async (path: PaymentStatusPath, ctx: RouteContext<'get-payment-status'>): Promise<JsonResult> => {
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

// GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token}: the path and the
// answer as the contract defines them.
import * as z from 'zod/mini';
import { providerTokenSchema, safeTextSchema } from '../../domain/index.ts';
import type { RouteResult } from '../../http/response.ts';
import { paymentViewSchema } from '../../state/orders.ts';

/** The same rules as where the ids came from: the ETpay session request and SkipPay's order hash. */
export const getPaymentStatusPath = z.object({
  merchant_order_id: z.optional(safeTextSchema(1, 64)),
  order_token: z.optional(providerTokenSchema),
});
export type GetPaymentStatusPath = z.output<typeof getPaymentStatusPath>;

/** `?refresh=true`: pull the provider first while the order is unpaid and its newest attempt open (at most once per order every 30 s). */
export const getPaymentStatusQuery = z.object({
  refresh: z.optional(z.enum(['true', 'false'])),
});
export type GetPaymentStatusQuery = z.output<typeof getPaymentStatusQuery>;

/** 200: the caller's order (the same shape as each item of GET /v1/payments). */
export const getPaymentStatusResponse = { status: 200, body: paymentViewSchema } as const;
export type GetPaymentStatusResult = RouteResult<typeof getPaymentStatusResponse>;

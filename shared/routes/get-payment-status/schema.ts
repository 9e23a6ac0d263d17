// GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token}: the path and the
// answer as the contract defines them.
import * as z from 'zod/mini';
import { providerTokenSchema, safeTextSchema } from '../../domain/index.ts';
import type { RouteResult } from '../../http/response.ts';

/** The same rules as where the ids came from: the ETpay session request and SkipPay's order hash. */
export const getPaymentStatusPath = z.object({
  merchant_order_id: z.optional(safeTextSchema(1, 64)),
  order_token: z.optional(providerTokenSchema),
});
export type GetPaymentStatusPath = z.output<typeof getPaymentStatusPath>;

/** 200: the latest state recorded from the provider's notifications and confirmations. */
export const getPaymentStatusResponse = {
  status: 200,
  body: z.strictObject({
    provider: z.enum(['etpay', 'skippay']),
    id: z.string(),
    status: z.string().register(z.globalRegistry, {
      description:
        'The provider\'s word for the payment, as last recorded. ETpay: its `payment_status` (`success` paid, `error` failed; anything else not final). SkipPay: the webhook\'s order status (`paid` is paid; any other value, e.g. `pending`, is not).',
      examples: ['success', 'paid'],
    }),
    paid: z.boolean().register(z.globalRegistry, {
      description: 'True only when the provider said the payment succeeded (`success` at ETpay, `paid` at SkipPay).',
    }),
    updated_at: z.iso.datetime(),
  }),
} as const;
export type GetPaymentStatusResult = RouteResult<typeof getPaymentStatusResponse>;

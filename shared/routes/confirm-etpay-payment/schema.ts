// POST /v1/etpay/confirmations: the request and the answer as the contract defines them.
import * as z from 'zod/mini';
import { paymentResultJwt } from '../../etpay/payment-result.ts';
import type { RouteResult } from '../../http/response.ts';
import { ORDER_STATUSES } from '../../state/transitions.ts';

/** From a clinic frontend, strict like every clinic-facing body. */
export const confirmEtpayPaymentBody = z.strictObject({ jwt: paymentResultJwt });
export type ConfirmEtpayPaymentBody = z.output<typeof confirmEtpayPaymentBody>;

/**
 * 200: the verified result. `paid` is the order's word, not the result's: true only once the order is paid
 * (a successful payment of exactly its amount); `status` is the order's.
 */
export const confirmEtpayPaymentResponse = {
  status: 200,
  body: z.strictObject({
    merchant_order_id: z.string(),
    order_amount: z.int(),
    payment_status: z.string().register(z.globalRegistry, {
      description:
        'ETpay\'s `payment_status`, passed on as ETpay wrote it (1-64 characters): `success` (then `paid` is true) and `error` are its documented final states; any other value is not final.',
      examples: ['success', 'error'],
    }),
    paid: z.boolean(),
    status: z.optional(z.enum(ORDER_STATUSES)),
  }),
} as const;
export type ConfirmEtpayPaymentResult = RouteResult<typeof confirmEtpayPaymentResponse>;

// POST /v1/etpay/sessions: the request as the contract defines it. Strict, so a caller can never set
// merchant_code or merchant_api_token: those come from the stage's secret only.
import * as z from 'zod/mini';
import { clpAmountSchema, emailSchema, rutSchema, safeTextSchema } from '../domain/index.ts';
import { ETPAY_BANK_CODES } from './bank-codes.ts';

const returnUrl = z.string().check(z.minLength(1), z.maxLength(2048));
z.globalRegistry.add(returnUrl, {
  description:
    'Where ETpay sends the payer back: an absolute `https` URL, without credentials, on an origin the stage allows (`ETPAY_RETURN_ORIGINS`; locally also `http` on loopback). Checked after the schema; a URL that breaks it is a `VALIDATION_ERROR` naming the field.',
});

export const createEtpaySessionBody = z
  .strictObject({
    merchant_order_id: safeTextSchema(1, 64),
    order_amount: clpAmountSchema,
    customer_email: z.optional(emailSchema),
    metadata: z.optional(
      z
        .array(z.strictObject({ name: safeTextSchema(1, 50), value: safeTextSchema(1, 100), show: z.boolean() }))
        .check(z.maxLength(10, 'at most 10 items')),
    ),
    user_bank_code: z.optional(z.enum(ETPAY_BANK_CODES)),
    user_rut: z.optional(rutSchema),
    is_rut_block: z.optional(z.boolean()),
    // Scheme and origin are checked against the stage's allowlist in return-urls.ts.
    payment_completed_url: z.optional(returnUrl),
    payment_cancellation_url: z.optional(returnUrl),
  })
  .check(
    z.refine((body) => body.is_rut_block === undefined || body.user_rut !== undefined, {
      path: ['is_rut_block'],
      error: 'only allowed together with user_rut',
      when: (payload) => typeof payload.value === 'object' && payload.value !== null,
    }),
  );
// The cross-field rule above, as JSON Schema says it (local/openapi.ts).
z.globalRegistry.add(createEtpaySessionBody, {
  dependentRequired: { is_rut_block: ['user_rut'] },
  description: '`is_rut_block` only together with `user_rut`.',
});
export type CreateEtpaySessionBody = z.output<typeof createEtpaySessionBody>;

// ETpay's payment-result JWT, as the browser or ETpay hands it over. Its claims are checked in
// payment-result.ts, after the signature.
const paymentResultJwt = z.string().check(z.minLength(1), z.maxLength(8192));

/** POST /v1/etpay/confirmations: from a clinic frontend, strict like every clinic-facing body. */
export const confirmEtpayPaymentBody = z.strictObject({ jwt: paymentResultJwt });
export type ConfirmEtpayPaymentBody = z.output<typeof confirmEtpayPaymentBody>;

/**
 * POST /v1/etpay/notifications: from ETpay. Loose on purpose: a field ETpay adds must not turn every
 * notification into a 400 that it retries forever; only `payment` is read, and it is signed.
 */
export const etpayNotificationBody = z.looseObject({ payment: paymentResultJwt });
export type EtpayNotificationBody = z.output<typeof etpayNotificationBody>;

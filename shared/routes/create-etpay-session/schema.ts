// POST /v1/etpay/sessions: the request and the answer as the contract defines them. Strict, so a caller can never set
// merchant_code or merchant_api_token: those come from the stage's secret only.
import * as z from 'zod/mini';
import type { RouteResult } from '../../http/response.ts';
import { clpAmountSchema, emailSchema, rutSchema, safeTextSchema } from '../../domain/index.ts';
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

/** 201: the session; its signature token stays on the server. */
export const createEtpaySessionResponse = {
  status: 201,
  body: z.strictObject({
    token: z.string(),
    terms_url: z.optional(z.url()),
    merchant_order_id: z.string(),
    payment_url: z.optional(z.url()),
  }),
} as const;
export type CreateEtpaySessionResult = RouteResult<typeof createEtpaySessionResponse>;

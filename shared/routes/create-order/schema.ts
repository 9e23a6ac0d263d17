// POST /v1/orders: the request and the answer as the contract defines them.
import * as z from 'zod/mini';
import type { RouteResult } from '../../http/response.ts';
import { chileanPhoneSchema, clpAmountSchema, emailSchema, personNameSchema, rutSchema } from '../../domain/index.ts';

export const createOrderBody = z.strictObject({
  reference: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ -')),
  ),
  total_amount: clpAmountSchema,
  provider_rut: z.optional(rutSchema),
  customer: z.strictObject({
    rut: rutSchema,
    first_name: personNameSchema,
    last_name: personNameSchema,
    email: emailSchema,
    phone_number: chileanPhoneSchema,
  }),
});
export type CreateOrderBody = z.output<typeof createOrderBody>;

// No space at either end (so a key of spaces only is refused too): a proxy that trims header values would
// otherwise turn two keys into one, or one into two.
export const IDEMPOTENCY_KEY = z
  .string()
  .check(z.regex(/^[\x21-\x7E](?:[\x20-\x7E]{0,253}[\x21-\x7E])?$/, 'must be 1-255 printable ASCII characters, not starting or ending with a space'));

export const createOrderHeaders = z.looseObject({ 'idempotency-key': z.optional(IDEMPOTENCY_KEY) });
export type CreateOrderHeaders = z.output<typeof createOrderHeaders>;

/** 201: `order_token` is SkipPay's order hash, for the widget. */
export const createOrderResponse = {
  status: 201,
  body: z.strictObject({
    order_token: z.string(),
    reference: z.string(),
    status: z.optional(
      z.string().register(z.globalRegistry, {
        description: 'SkipPay\'s order status when SkipPay sends one (a new order is `pending`).',
        examples: ['pending'],
      }),
    ),
  }),
} as const;
export type CreateOrderResult = RouteResult<typeof createOrderResponse>;

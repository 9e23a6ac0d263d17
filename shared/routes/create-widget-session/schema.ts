// POST /v1/widget-sessions: the request as the contract defines it.
import * as z from 'zod/mini';
import { chileanPhoneSchema, emailSchema, personNameSchema, rutSchema } from '../../domain/index.ts';
import { TOKEN_PATTERN } from '../../providers/urls.ts';

export const createWidgetSessionBody = z.strictObject({
  // URL-safe only, so it can never smuggle a second parameter (`&`, `=`) or a fragment (`#`) into the iframe URL.
  order_token: z.optional(z.string().check(z.regex(TOKEN_PATTERN, 'must be 1-256 characters of A-Z a-z 0-9 _ -'))),
  patient: z.strictObject({
    rut: rutSchema,
    first_name: personNameSchema,
    last_name: personNameSchema,
    email: emailSchema,
    phone_number: chileanPhoneSchema,
  }),
});
export type CreateWidgetSessionBody = z.output<typeof createWidgetSessionBody>;

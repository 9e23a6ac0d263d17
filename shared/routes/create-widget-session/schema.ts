// POST /v1/widget-sessions: the request and the answer as the contract defines them.
import * as z from 'zod/mini';
import type { RouteResult } from '../../http/response.ts';
import { chileanPhoneSchema, emailSchema, personNameSchema, rutSchema } from '../../domain/index.ts';
import { TOKEN_PATTERN } from '../../domain/provider-token.ts';

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

/** 201: the iframe URL (already carrying the order token) and the origin `postMessage` events must come from. */
export const createWidgetSessionResponse = {
  status: 201,
  body: z.strictObject({ widget_token: z.string(), iframe_url: z.url(), widget_origin: z.url() }),
} as const;
export type CreateWidgetSessionResult = RouteResult<typeof createWidgetSessionResponse>;

// POST /v1/webhooks/skippay: the request headers and the answer as the contract defines them. The body is
// read raw: its signature is checked on the exact bytes (skippay-signature.ts) before anything parses it.
import * as z from 'zod/mini';
import { acknowledgement, type RouteResult } from '../../http/response.ts';

/** API Gateway hands headers over lower-cased. Loose: every other header is allowed. */
export const receiveSkipPayWebhookHeaders = z.looseObject({
  'x-gokeipay-signature': z.optional(z.string()),
  'x-skippay-signature': z.optional(z.string()),
});
export type ReceiveSkipPayWebhookHeaders = z.output<typeof receiveSkipPayWebhookHeaders>;

/** 200 `{ received: true }`, for a repeat and an unknown event type too. */
export const receiveSkipPayWebhookResponse = { status: 200, body: acknowledgement } as const;
export type ReceiveSkipPayWebhookResult = RouteResult<typeof receiveSkipPayWebhookResponse>;

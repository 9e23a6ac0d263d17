// What the OpenAPI document says about each catalog function. Request and response schemas are the very
// objects the routes declare (shared/routes/<name>/schema.ts): the handlers validate with the first, their
// domain calls' return types come from the second, and test/local/server.test.ts parses real answers with
// them (strictly). What is added here is prose: summaries, descriptions, field docs.
import * as z from 'zod/mini';
import type { RouteFunctionName } from '#shared/catalog.ts';
import { chileanPhoneSchema, clpAmountSchema, emailSchema, rutSchema } from '#shared/domain/index.ts';
import { ERROR_STATUS, type ErrorCode } from '#shared/errors.ts';
import type { RouteResponse } from '#shared/http/response.ts';
import { PROVIDERS } from '#shared/providers/provider.ts';
import { confirmEtpayPaymentBody, confirmEtpayPaymentResponse } from '#shared/routes/confirm-etpay-payment/schema.ts';
import { createEtpaySessionBody, createEtpaySessionResponse } from '#shared/routes/create-etpay-session/schema.ts';
import { createOrderBody, createOrderHeaders, createOrderResponse } from '#shared/routes/create-order/schema.ts';
import { createWidgetSessionBody, createWidgetSessionResponse } from '#shared/routes/create-widget-session/schema.ts';
import { getPaymentStatusPath, getPaymentStatusQuery, getPaymentStatusResponse } from '#shared/routes/get-payment-status/schema.ts';
import { listPaymentsQuery, listPaymentsResponse } from '#shared/routes/list-payments/schema.ts';
import { receiveEtpayNotificationBody, receiveEtpayNotificationResponse } from '#shared/routes/receive-etpay-notification/schema.ts';
import { receiveSkipPayWebhookHeaders, receiveSkipPayWebhookResponse } from '#shared/routes/receive-skippay-webhook/schema.ts';

export interface OperationDoc {
  summary: string;
  description: string;
  tag: 'Skip' | 'ETpay' | 'Payment state';
  /** The handler's body schema; absent for a body read raw (its JSON Schema is then `rawBody`). */
  body?: z.ZodMiniType;
  rawBody?: Record<string, unknown>;
  /** The handler's header schema (lower-case names). */
  headers?: z.ZodMiniType;
  /** The handler's path-parameter schema: an object with one property per `{name}` of its routes. */
  path?: z.ZodMiniType;
  /** The handler's query-parameter schema. */
  query?: z.ZodMiniType;
  /** The route's declared success answer and what it means. */
  success: RouteResponse & { description: string };
  /** Codes this route can answer beyond those its shape implies (see `errorCodesOf` in openapi.ts). */
  extraErrors: ErrorCode[];
  /**
   * False where the route's provider calls are best-effort status pulls whose failure is logged and left to
   * reconcile-payments, never answered: no UPSTREAM_* code although it has provider settings.
   */
  upstreamErrors?: false;
}

/** The contract's one error body; `code` lists every code of shared/errors.ts. */
export const errorBody = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.optional(z.array(z.strictObject({ path: z.string(), message: z.string() }))),
    upstream: z.optional(z.enum(PROVIDERS)),
    request_id: z.string(),
  }),
});

/**
 * Descriptions for the shared field rules, wherever a schema uses them (matched by identity). Their patterns
 * are registered beside the rules themselves, in shared/domain; names describe themselves there too.
 */
export const FIELD_DOCS = new Map<object, Record<string, unknown>>([
  [
    rutSchema,
    {
      description:
        'Chilean RUT: `12.345.678-5`, `12345678-5` or `123456785` (surrounding spaces ignored). Format `cl-rut`: the last character is the modulo-11 check digit of the body (weights 2-7 from the right; 11 → `0`, 10 → `K`/`k`); a wrong check digit is refused.',
      examples: ['12.345.678-5'],
    },
  ],
  [chileanPhoneSchema, { description: 'Chilean phone number: 9 digits (the first 2-9), optionally after `+56` or `56`, with spaces, `-`, `(` `)` anywhere but inside `+56`; at most 32 characters. Sent on as E.164.', examples: ['+56 9 1234 5678'] }],
  // The pattern is zod's email rule around optional whitespace and bounds the trimmed length itself; a raw
  // maxLength (or ajv's `email` format, a different rule) would disagree with the server.
  [emailSchema, { description: 'An email address (the pattern is the rule), at most 254 characters after trimming.', maxLength: undefined, examples: ['ana@example.cl'] }],
  [clpAmountSchema, { description: 'Chilean pesos, a JSON integer (CLP has no decimals), 1 to 999 999 999.', examples: [50000] }],
]);

const AAPD_PATIENT = 'The patient as Skip should know them; RUT and phone are accepted in any common form.';

/** Every API route's function (scheduled functions have no operation). */
export const OPERATIONS: Record<RouteFunctionName, OperationDoc> = {
  'create-order': {
    summary: 'Create a SkipPay AAPD order',
    description:
      'Creates the order at SkipPay with the stage\'s client secret. With `Idempotency-Key`, the same key and body within 24 h return the first answer without a second order, and every attempt of a key reaches SkipPay with the same `reference` (derived from the caller and the key when the body has none).',
    tag: 'Skip',
    body: createOrderBody,
    headers: createOrderHeaders,
    success: { ...createOrderResponse, description: 'The order: `order_token` is SkipPay\'s order hash, for the widget.' },
    extraErrors: ['IDEMPOTENCY_CONFLICT', 'IDEMPOTENCY_KEY_REUSED'],
  },
  'create-widget-session': {
    summary: 'Mint a Spot widget token',
    description: `${AAPD_PATIENT} With \`order_token\` the widget runs the AAPD flow, without it a standard Spot registration. \`order_token\` must be one of the caller's own SkipPay orders (\`POST /v1/orders\`): another clinic's order is \`404\`, exactly like an unknown one, and Skip is not called. Load \`iframe_url\` in an iframe and accept its \`postMessage\` events only when \`event.origin === widget_origin\`.`,
    tag: 'Skip',
    body: createWidgetSessionBody,
    success: { ...createWidgetSessionResponse, description: 'The iframe URL (already carrying the order token) and the origin to check.' },
    extraErrors: ['NOT_FOUND'],
  },
  'create-etpay-session': {
    summary: 'Initialise an ETpay bank-transfer session',
    description:
      'Opens the session with the merchant\'s credentials, for the caller\'s order `merchant_order_id`: the order keeps the first session\'s `order_amount`; another amount is `409 ORDER_CONFLICT`, a paid order `409 ORDER_ALREADY_PAID`, and nothing is sent to ETpay then. Return URLs must be https on an origin the stage allows. `payment_url` is present where the stage has a payment page URL; redirect the payer there.',
    tag: 'ETpay',
    body: createEtpaySessionBody,
    success: { ...createEtpaySessionResponse, description: 'The session; its signature token stays on the server.' },
    extraErrors: ['ORDER_CONFLICT', 'ORDER_ALREADY_PAID'],
  },
  'confirm-etpay-payment': {
    summary: 'Verify the payment result the payer brought back from ETpay',
    description:
      'Send the `jwt` query parameter ETpay added to the return URL. Only the session\'s owner gets an answer (anyone else `404`). `paid` is true only when the order is paid: a successful payment of exactly the order\'s amount; `status` is the order\'s.',
    tag: 'ETpay',
    body: confirmEtpayPaymentBody,
    success: { ...confirmEtpayPaymentResponse, description: 'The verified result.' },
    extraErrors: ['INVALID_SIGNATURE', 'NOT_FOUND'],
  },
  'receive-etpay-notification': {
    summary: 'ETpay\'s payment notification (called by ETpay)',
    description:
      'ETpay\'s documented shape `{"payment": "<JWT>"}` is verified like a confirmation and recorded once per payment token. A body without that JWT is not believed: if it names a session this API opened (`session_token`, at the top or inside a `payment` object), that session\'s status is pulled from ETpay (`check_payment_status`) and recorded, and the delivery is acknowledged even when ETpay cannot be asked at that moment (reconcile-payments pulls it later); a body naming no known session is `401 INVALID_SIGNATURE`. The body may also be an array of 1 to 20 such objects (the format of ETpay\'s status answer, which ETpay calls identical to its notification\'s): each session named that this API opened is pulled, the others are passed over, and an array naming none is `401 INVALID_SIGNATURE`; nothing in an array is believed. A session already paid here is acknowledged without asking ETpay. Not for clinic frontends.',
    tag: 'ETpay',
    body: receiveEtpayNotificationBody,
    success: { ...receiveEtpayNotificationResponse, description: 'Acknowledged (repeats too).' },
    extraErrors: ['INVALID_SIGNATURE'],
    upstreamErrors: false,
  },
  'receive-skippay-webhook': {
    summary: 'SkipPay\'s webhook (called by SkipPay)',
    description:
      'Verified before parsing: `X-Gokeipay-Signature` (or the legacy `X-Skippay-Signature`) is `sha256=<hex HMAC-SHA256 of the raw body>`. Stored once; unknown event types are accepted. Skip documents the signature, not the body: an envelope `{"type"|"event", "data": {"hash"|"order_hash", "status"}}` and a flat `{"event"|"type", "hash"|"order_hash", "status"}` are read; a `paid` counts only with the `total_amount` it states (an order is paid only for exactly its amount); an event about a known order without a readable status, or a `paid` stating no readable `total_amount`, makes the API pull that order from SkipPay and record what the pull says; an event naming no known order is stored and acknowledged all the same. Not for clinic frontends.',
    tag: 'Skip',
    rawBody: { type: 'object', description: 'A SkipPay event, e.g. `{"id", "type": "order.paid", "created_at", "data": {"hash", "status", "total_amount"}}`.' },
    headers: receiveSkipPayWebhookHeaders,
    success: { ...receiveSkipPayWebhookResponse, description: 'Acknowledged (repeats too).' },
    extraErrors: ['INVALID_SIGNATURE'],
    upstreamErrors: false,
  },
  'get-payment-status': {
    summary: 'The state of one of the caller\'s orders',
    description:
      'Known from the order\'s creation on. `status` is `pending` (no final result yet), `paid` (a successful payment of exactly `amount`; never goes back), `failed` (the last attempt failed or was cancelled; a new one may follow) or `needs_review` (money moved, not the right amount). `provider_status` is the provider\'s own word. Another clinic\'s order is `404`, exactly like an unknown one. With `refresh=true`, an unpaid order\'s newest attempt, while still open, is first pulled from its provider (at most once per order every 30 s; a provider fault still answers the stored state).',
    tag: 'Payment state',
    path: getPaymentStatusPath,
    query: getPaymentStatusQuery,
    success: { ...getPaymentStatusResponse, description: 'The order.' },
    extraErrors: ['NOT_FOUND'],
    upstreamErrors: false,
  },
  'list-payments': {
    summary: 'The caller\'s orders, newest first',
    description:
      'For the daily reconciliation: the caller\'s own orders created in `[from, to)` (ISO 8601 with a time zone, at most 31 days apart; by default the last 31 days), optionally of one `provider` or `status`, `limit` 1–100 (default 50) per page. While more exist the answer carries `next_cursor`: pass it back as `cursor` with the same filters.',
    tag: 'Payment state',
    query: listPaymentsQuery,
    success: { ...listPaymentsResponse, description: 'One page of orders, each shaped like the single read.' },
    extraErrors: [],
  },
};

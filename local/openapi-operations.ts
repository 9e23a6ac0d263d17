// What the OpenAPI document says about each catalog function. Request schemas are the very objects the
// handlers in functions/ validate with; the handlers have no response schemas, so the success and error
// bodies are described here and test/local/server.test.ts parses real answers with them (strictly), so a
// handler that starts returning another shape fails a test instead of drifting from the document.
import * as z from 'zod/mini';
import type { FunctionName } from '#shared/catalog.ts';
import { chileanPhoneSchema, clpAmountSchema, emailSchema, personNameSchema, rutSchema } from '#shared/domain/index.ts';
import { ERROR_STATUS, type ErrorCode } from '#shared/errors.ts';
import { confirmEtpayPaymentBody, createEtpaySessionBody, etpayNotificationBody } from '#shared/etpay/schema.ts';
import { PROVIDERS } from '#shared/observability/metric-names.ts';
import { createOrderBody, createOrderHeaders } from '#shared/orders/schema.ts';
import { paymentStatusPath } from '#shared/payments/get-payment-status.ts';
import { listPaymentsQuery } from '#shared/routes/list-payments/schema.ts';
import { ORDER_STATUSES } from '#shared/state/transitions.ts';
import { skipPayWebhookHeaders } from '#shared/webhooks/skippay-signature.ts';
import { createWidgetSessionBody } from '#shared/widget/schema.ts';

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
  success: { status: number; description: string; schema: z.ZodMiniType };
  /** Codes this route can answer beyond those its shape implies (see `errorCodesOf` in openapi.ts). */
  extraErrors: ErrorCode[];
}

const received = z.strictObject({ received: z.literal(true) });

/** One order as GET /v1/payments/{provider}/{id} and each listed item show it (contract v1.1). */
const paymentState = z.strictObject({
  provider: z.enum(['etpay', 'skippay']),
  id: z.string(),
  status: z.enum(ORDER_STATUSES),
  paid: z.boolean(),
  amount: z.int(),
  provider_status: z.nullable(z.string()),
  attempts: z.int(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

export const RESPONSES = {
  order: z.strictObject({ order_token: z.string(), reference: z.string(), status: z.optional(z.string()) }),
  widgetSession: z.strictObject({ widget_token: z.string(), iframe_url: z.url(), widget_origin: z.url() }),
  etpaySession: z.strictObject({
    token: z.string(),
    terms_url: z.optional(z.url()),
    merchant_order_id: z.string(),
    payment_url: z.optional(z.url()),
  }),
  etpayConfirmation: z.strictObject({
    merchant_order_id: z.string(),
    order_amount: z.int(),
    payment_status: z.string(),
    paid: z.boolean(),
    status: z.optional(z.enum(ORDER_STATUSES)),
  }),
  received,
  paymentState,
  paymentList: z.strictObject({ payments: z.array(paymentState), next_cursor: z.optional(z.string()) }),
};

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

/** Descriptions for the shared field rules, wherever a schema uses them (matched by identity). */
export const FIELD_DOCS = new Map<object, Record<string, unknown>>([
  [rutSchema, { description: 'Chilean RUT: `12.345.678-5`, `12345678-5` or `123456785`; check digit 0-9, K or k (modulo 11).', examples: ['12.345.678-5'] }],
  [chileanPhoneSchema, { description: 'Chilean phone number, with or without +56, spaces, `-`, `()`; sent on as E.164.', examples: ['+56 9 1234 5678'] }],
  [emailSchema, { description: 'An email address, at most 254 characters after trimming.', format: 'email', examples: ['ana@example.cl'] }],
  [clpAmountSchema, { description: 'Chilean pesos, a JSON integer (CLP has no decimals).', examples: [50000] }],
  [personNameSchema, { description: '1 to 100 characters after trimming; no control or bidi characters.' }],
]);

const AAPD_PATIENT = 'The patient as Skip should know them; RUT and phone are accepted in any common form.';

export const OPERATIONS: Record<FunctionName, OperationDoc> = {
  'create-order': {
    summary: 'Create a SkipPay AAPD order',
    description:
      'Creates the order at SkipPay with the stage\'s client secret. With `Idempotency-Key`, the same key and body within 24 h return the first answer without a second order.',
    tag: 'Skip',
    body: createOrderBody,
    headers: createOrderHeaders,
    success: { status: 201, description: 'The order: `order_token` is SkipPay\'s order hash, for the widget.', schema: RESPONSES.order },
    extraErrors: ['IDEMPOTENCY_CONFLICT', 'IDEMPOTENCY_KEY_REUSED'],
  },
  'create-widget-session': {
    summary: 'Mint a Spot widget token',
    description: `${AAPD_PATIENT} With \`order_token\` the widget runs the AAPD flow, without it a standard Spot registration. Load \`iframe_url\` in an iframe and accept its \`postMessage\` events only when \`event.origin === widget_origin\`.`,
    tag: 'Skip',
    body: createWidgetSessionBody,
    success: { status: 201, description: 'The iframe URL (already carrying the order token) and the origin to check.', schema: RESPONSES.widgetSession },
    extraErrors: [],
  },
  'create-etpay-session': {
    summary: 'Initialise an ETpay bank-transfer session',
    description:
      'Opens the session with the merchant\'s credentials, for the caller\'s order `merchant_order_id`: the order keeps the first session\'s `order_amount`; another amount is `409 ORDER_CONFLICT`, a paid order `409 ORDER_ALREADY_PAID`, and nothing is sent to ETpay then. Return URLs must be https on an origin the stage allows. `payment_url` is present where the stage has a payment page URL; redirect the payer there.',
    tag: 'ETpay',
    body: createEtpaySessionBody,
    success: { status: 201, description: 'The session; its signature token stays on the server.', schema: RESPONSES.etpaySession },
    extraErrors: ['ORDER_CONFLICT', 'ORDER_ALREADY_PAID'],
  },
  'confirm-etpay-payment': {
    summary: 'Verify the payment result the payer brought back from ETpay',
    description:
      'Send the `jwt` query parameter ETpay added to the return URL. Only the session\'s owner gets an answer (anyone else `404`). `paid` is true only when the order is paid: a successful payment of exactly the order\'s amount; `status` is the order\'s.',
    tag: 'ETpay',
    body: confirmEtpayPaymentBody,
    success: { status: 200, description: 'The verified result.', schema: RESPONSES.etpayConfirmation },
    extraErrors: ['INVALID_SIGNATURE', 'NOT_FOUND'],
  },
  'receive-etpay-notification': {
    summary: 'ETpay\'s payment notification (called by ETpay)',
    description: 'Verified like a confirmation and recorded once per payment token. Not for clinic frontends.',
    tag: 'ETpay',
    body: etpayNotificationBody,
    success: { status: 200, description: 'Acknowledged (repeats too).', schema: RESPONSES.received },
    extraErrors: ['INVALID_SIGNATURE'],
  },
  'receive-skippay-webhook': {
    summary: 'SkipPay\'s webhook (called by SkipPay)',
    description:
      'Verified before parsing: `X-Gokeipay-Signature` (or the legacy `X-Skippay-Signature`) is `sha256=<hex HMAC-SHA256 of the raw body>`. Stored once; unknown event types are accepted. Not for clinic frontends.',
    tag: 'Skip',
    rawBody: { type: 'object', description: 'A SkipPay event, e.g. `{"id", "type": "order.paid", "created_at", "data": {"hash", "status"}}`.' },
    headers: skipPayWebhookHeaders,
    success: { status: 200, description: 'Acknowledged (repeats too).', schema: RESPONSES.received },
    extraErrors: ['INVALID_SIGNATURE'],
  },
  'get-payment-status': {
    summary: 'The state of one of the caller\'s orders',
    description:
      'Known from the order\'s creation on. `status` is `pending` (no final result yet), `paid` (a successful payment of exactly `amount`; never goes back), `failed` (the last attempt failed or was cancelled; a new one may follow) or `needs_review` (money moved, not the right amount). `provider_status` is the provider\'s own word. Another clinic\'s order is `404`, exactly like an unknown one.',
    tag: 'Payment state',
    path: paymentStatusPath,
    success: { status: 200, description: 'The order.', schema: RESPONSES.paymentState },
    extraErrors: ['NOT_FOUND'],
  },
  'list-payments': {
    summary: 'The caller\'s orders, newest first',
    description:
      'For the daily reconciliation: the caller\'s own orders created in `[from, to)` (ISO 8601 with a time zone, at most 31 days apart; by default the last 31 days), optionally of one `provider` or `status`, `limit` 1–100 (default 50) per page. While more exist the answer carries `next_cursor`: pass it back as `cursor` with the same filters.',
    tag: 'Payment state',
    query: listPaymentsQuery,
    success: { status: 200, description: 'One page of orders, each shaped like the single read.', schema: RESPONSES.paymentList },
    extraErrors: [],
  },
};

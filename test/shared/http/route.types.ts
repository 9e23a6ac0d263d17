// Type-level spec of the route builders, checked by `npm run typecheck` (never run): what a route declares
// (its catalog name, schemas and response) is what its domain call may take and must return.
import * as z from 'zod/mini';
import { getRoute, jsonRoute, rawBodyRoute, type RouteContext } from '#shared/http/route.ts';
import { createOrderResponse } from '#shared/routes/create-order/schema.ts';

const body = z.strictObject({ amount: z.number() });
const headers = z.looseObject({ 'idempotency-key': z.optional(z.string()) });
const path = z.object({ merchant_order_id: z.optional(z.string()) });
const response = { status: 200, body: z.strictObject({ ok: z.boolean() }) } as const;

// The input is the body schema's output, the headers the header schema's, the answer the response's.
jsonRoute({
  name: 'create-order',
  body,
  headers,
  response: createOrderResponse,
  handle: async (input: { amount: number }, ctx: RouteContext<'create-order', { 'idempotency-key'?: string | undefined }>) => {
    const secret = await ctx.secret();
    const clientSecret: string = secret.SKIPPAY_CLIENT_SECRET;
    const apiUrl: string = ctx.settings.SKIPPAY_API_URL;
    return { statusCode: 201, body: { order_token: `${input.amount}${apiUrl}${clientSecret}`, reference: 'r' } };
  },
});

jsonRoute({
  name: 'confirm-etpay-payment',
  body,
  response,
  // @ts-expect-error the body must be the response schema's: `ok` is a boolean
  handle: () => Promise.resolve({ statusCode: 200, body: { ok: 'yes' } }),
});

jsonRoute({
  name: 'confirm-etpay-payment',
  body,
  response,
  // @ts-expect-error the status is the response's
  handle: () => Promise.resolve({ statusCode: 201, body: { ok: true } }),
});

jsonRoute({
  name: 'confirm-etpay-payment',
  body,
  response,
  handle: async (_input, ctx) => {
    // @ts-expect-error a function reads only the settings its catalog entry lists
    void ctx.settings.SKIPPAY_API_URL;
    const secret = await ctx.secret();
    // @ts-expect-error a function without a catalog secret has none to read (`never`)
    void secret.ETPAY_MERCHANT_CODE;
    return { statusCode: 200, body: { ok: true } };
  },
});

rawBodyRoute({
  name: 'receive-skippay-webhook',
  headers,
  response,
  handle: (raw) => Promise.resolve({ statusCode: 200, body: { ok: Buffer.isBuffer(raw) } }),
});

getRoute({
  name: 'get-payment-status',
  path,
  response,
  handle: (params) => Promise.resolve({ statusCode: 200, body: { ok: params.merchant_order_id !== undefined } }),
});

getRoute({
  name: 'get-payment-status',
  path,
  response,
  // @ts-expect-error path parameters are the path schema's output
  handle: (params: { order: number }) => Promise.resolve({ statusCode: 200, body: { ok: params.order > 0 } }),
});

// The query is the query schema's output (GET /v1/payments).
getRoute({
  name: 'list-payments',
  path: z.object({}),
  query: z.strictObject({ limit: z.number() }),
  response,
  // @ts-expect-error query parameters are the query schema's output
  handle: (_params, _ctx, query: { cursor: number }) => Promise.resolve({ statusCode: 200, body: { ok: query.cursor > 0 } }),
});

getRoute({
  name: 'list-payments',
  path: z.object({}),
  query: z.strictObject({ limit: z.number() }),
  response,
  handle: (_params, _ctx, query) => {
    const limit: number = query.limit;
    return Promise.resolve({ statusCode: 200 as const, body: { ok: limit > 0 } });
  },
});

// A clinic route's caller is its owner, always there (401 before the call otherwise); a provider's route has none.
jsonRoute({
  name: 'confirm-etpay-payment',
  body,
  response,
  handle: (_input, ctx) => {
    const owner: string = ctx.caller;
    return Promise.resolve({ statusCode: 200, body: { ok: owner !== '' } });
  },
});

rawBodyRoute({
  name: 'receive-skippay-webhook',
  response,
  handle: (_raw, ctx) => {
    // @ts-expect-error a provider's (public) route has no clinic caller
    const owner: string = ctx.caller;
    return Promise.resolve({ statusCode: 200, body: { ok: owner === '' } });
  },
});

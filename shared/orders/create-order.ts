// The orders route's one domain call: create a SkipPay AAPD order with the stage's Skip credentials,
// at most once per Idempotency-Key.
import { randomUUID } from 'node:crypto';
import { getSecret } from '../config/secrets.ts';
import type { RouteContext } from '../http/route.ts';
import type { JsonResult } from '../http/response.ts';
import { createSkipPayOrder } from '../providers/skippay.ts';
import { keyedReference, withIdempotencyKey } from '../state/idempotency.ts';
import type { CreateOrderBody, CreateOrderHeaders } from './schema.ts';

/** Unique without coordination: a clinic that sends no reference still gets one it can reconcile. */
export const generateReference = (): string => `CPA-${randomUUID().replaceAll('-', '').toUpperCase()}`;

export const createOrder = async (
  input: CreateOrderBody,
  ctx: RouteContext<'create-order', CreateOrderHeaders>,
): Promise<JsonResult> => {
  const { STAGE, SKIPPAY_API_URL, SKIP_SECRET_ID, UPSTREAM_TIMEOUT_MS } = ctx.settings;
  const skip = await getSecret('skip', SKIP_SECRET_ID, STAGE);
  const key = ctx.headers['idempotency-key'];
  // With a key, every retry sends SkipPay the same reference (README: What Idempotency-Key promises).
  const reference = input.reference ?? (key === undefined ? generateReference() : keyedReference(ctx.caller, key));
  const order = await createSkipPayOrder(
    { reference, total_amount: input.total_amount, customer: input.customer, provider_rut: input.provider_rut },
    { apiUrl: SKIPPAY_API_URL, clientSecret: skip.SKIPPAY_CLIENT_SECRET, timeoutMs: UPSTREAM_TIMEOUT_MS, deadline: ctx.deadline },
  );
  return {
    statusCode: 201,
    body: { order_token: order.hash, reference, ...(order.status ? { status: order.status } : {}) },
  };
};

/** What POST /v1/orders runs: a repeated Idempotency-Key gets the first answer back (shared/state/idempotency.ts). */
export const createOrderOnce = withIdempotencyKey('create-order', createOrder, {
  referenceOf: (body, caller, key) => body.reference ?? keyedReference(caller, key),
  providerIdOf: (answer) => (answer.body as { order_token?: string }).order_token,
});

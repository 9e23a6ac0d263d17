// The orders route's one domain call: create a SkipPay AAPD order with the stage's Skip credentials,
// at most once per Idempotency-Key.
import { randomUUID } from 'node:crypto';
import { getSecret } from '../config/secrets.ts';
import type { RouteContext } from '../http/route.ts';
import type { JsonResult } from '../http/response.ts';
import { createSkipPayOrder } from '../providers/skippay.ts';
import { requireOwner } from '../http/owner.ts';
import { withIdempotencyKey } from '../state/idempotency.ts';
import { addAttempt, openOrder } from '../state/orders.ts';
import type { CreateOrderBody, CreateOrderHeaders } from './schema.ts';

/** Unique without coordination: a clinic that sends no reference still gets one it can reconcile. */
export const generateReference = (): string => `CPA-${randomUUID().replaceAll('-', '').toUpperCase()}`;

export const createOrder = async (
  input: CreateOrderBody,
  ctx: RouteContext<'create-order', CreateOrderHeaders>,
): Promise<JsonResult> => {
  const owner = requireOwner(ctx.caller);
  const { STAGE, SKIPPAY_API_URL, SKIP_SECRET_ID, UPSTREAM_TIMEOUT_MS, PAYMENTS_TABLE } = ctx.settings;
  const skip = await getSecret('skip', SKIP_SECRET_ID, STAGE);
  const reference = input.reference ?? generateReference();
  const order = await createSkipPayOrder(
    { reference, total_amount: input.total_amount, customer: input.customer, provider_rut: input.provider_rut },
    { apiUrl: SKIPPAY_API_URL, clientSecret: skip.SKIPPAY_CLIENT_SECRET, timeoutMs: UPSTREAM_TIMEOUT_MS, deadline: ctx.deadline },
  );
  // Known from its creation on (pending, its amount, its owner), not only once a webhook arrives.
  const { order: recorded, created } = await openOrder(PAYMENTS_TABLE, {
    owner,
    provider: 'skippay',
    id: order.hash,
    amount: input.total_amount,
    providerStatus: order.status,
  });
  if (created) await addAttempt(PAYMENTS_TABLE, recorded, { provider: 'skippay', providerId: order.hash, amount: input.total_amount, providerStatus: order.status });
  return {
    statusCode: 201,
    body: { order_token: order.hash, reference, ...(order.status ? { status: order.status } : {}) },
  };
};

/** What POST /v1/orders runs: a repeated Idempotency-Key gets the first answer back (shared/state/idempotency.ts). */
export const createOrderOnce = withIdempotencyKey('create-order', createOrder);

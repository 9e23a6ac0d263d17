// The orders route's one domain call: create a SkipPay AAPD order with the stage's Skip credentials.
import { randomUUID } from 'node:crypto';
import type { RouteContext } from '../../http/route.ts';
import { createSkipPayOrder } from '../../providers/skippay.ts';
import { withIdempotencyKey } from '../../state/idempotency.ts';
import type { CreateOrderBody, CreateOrderHeaders, CreateOrderResult } from './schema.ts';

/** Unique without coordination: a clinic that sends no reference still gets one it can reconcile. */
export const generateReference = (): string => `CPA-${randomUUID().replaceAll('-', '').toUpperCase()}`;

export const createOrder = async (
  input: CreateOrderBody,
  ctx: RouteContext<'create-order', CreateOrderHeaders>,
): Promise<CreateOrderResult> => {
  const skip = await ctx.secret();
  const reference = input.reference ?? generateReference();
  const order = await createSkipPayOrder(
    { reference, total_amount: input.total_amount, customer: input.customer, provider_rut: input.provider_rut },
    { apiUrl: ctx.settings.SKIPPAY_API_URL, clientSecret: skip.SKIPPAY_CLIENT_SECRET, ...ctx.budget },
  );
  return {
    statusCode: 201,
    body: { order_token: order.hash, reference, ...(order.status ? { status: order.status } : {}) },
  };
};

/** What POST /v1/orders runs: a repeated Idempotency-Key gets the first answer back (shared/state/idempotency.ts). */
export const createOrderPerIdempotencyKey = withIdempotencyKey('create-order', createOrder);

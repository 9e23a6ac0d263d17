// The orders route's one domain call: create a SkipPay AAPD order with the stage's Skip credentials.
import { randomUUID } from 'node:crypto';
import type { RouteContext } from '../../http/route.ts';
import { createSkipPayOrder } from '../../providers/skippay.ts';
import { withIdempotencyKey } from '../../state/idempotency.ts';
import { addAttempt, openOrder } from '../../state/orders.ts';
import type { CreateOrderBody, CreateOrderHeaders, CreateOrderResult } from './schema.ts';

/** Unique without coordination: a clinic that sends no reference still gets one it can reconcile. */
export const generateReference = (): string => `CPA-${randomUUID().replaceAll('-', '').toUpperCase()}`;

export const createOrder = async (
  input: CreateOrderBody,
  ctx: RouteContext<'create-order', CreateOrderHeaders>,
): Promise<CreateOrderResult> => {
  const owner = ctx.caller;
  const { PAYMENTS_TABLE } = ctx.settings;
  const skip = await ctx.secret();
  const reference = input.reference ?? generateReference();
  const order = await createSkipPayOrder(
    { reference, total_amount: input.total_amount, customer: input.customer, provider_rut: input.provider_rut },
    { apiUrl: ctx.settings.SKIPPAY_API_URL, clientSecret: skip.SKIPPAY_CLIENT_SECRET, ...ctx.budget },
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
export const createOrderPerIdempotencyKey = withIdempotencyKey('create-order', createOrder);

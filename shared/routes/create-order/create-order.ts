// The orders route's one domain call: create a SkipPay AAPD order with the stage's Skip credentials,
// at most once per Idempotency-Key.
import { randomUUID } from 'node:crypto';
import type { RouteContext } from '../../http/route.ts';
import { logger } from '../../observability/logger.ts';
import { createSkipPayOrder } from '../../providers/skippay.ts';
import { keyedReference, withIdempotencyKey } from '../../state/idempotency.ts';
import { addAttempt, openOrder } from '../../state/orders.ts';
import { keyHashOf, recordOrderNotRecorded } from '../../state/uncertain-outcomes.ts';
import type { CreateOrderBody, CreateOrderHeaders, CreateOrderResult } from './schema.ts';

/** Unique without coordination: a clinic that sends no reference still gets one it can reconcile. */
const generateReference = (): string => `CPA-${randomUUID().replaceAll('-', '').toUpperCase()}`;

/**
 * The reference SkipPay gets: the body's; with an Idempotency-Key, one derived from the caller and the key,
 * the same on every retry (README: What Idempotency-Key promises); otherwise a fresh one.
 */
const orderReference = (body: CreateOrderBody, caller: string | undefined, key: string | undefined): string =>
  body.reference ?? (key === undefined ? generateReference() : keyedReference(caller, key));

export const createOrder = async (
  input: CreateOrderBody,
  ctx: RouteContext<'create-order', CreateOrderHeaders>,
): Promise<CreateOrderResult> => {
  const owner = ctx.caller;
  const { PAYMENTS_TABLE } = ctx.settings;
  const skip = await ctx.secret();
  const key = ctx.headers['idempotency-key'];
  const reference = orderReference(input, owner, key);
  const order = await createSkipPayOrder(
    { reference, total_amount: input.total_amount, customer: input.customer, provider_rut: input.provider_rut },
    { apiUrl: ctx.settings.SKIPPAY_API_URL, clientSecret: skip.SKIPPAY_CLIENT_SECRET, ...ctx.budget },
  );
  // Known from its creation on (pending, its amount, its owner), not only once a webhook arrives.
  try {
    const { order: recorded, created } = await openOrder(PAYMENTS_TABLE, {
      owner,
      provider: 'skippay',
      id: order.hash,
      amount: input.total_amount,
      providerStatus: order.status,
    });
    if (created) await addAttempt(PAYMENTS_TABLE, recorded, { provider: 'skippay', providerId: order.hash, amount: input.total_amount, providerStatus: order.status });
  } catch (error) {
    // SkipPay holds an order this API could not record (its webhooks would move nothing): no 201 for it, the
    // store's own error (503 DEPENDENCY_UNAVAILABLE when the table failed transiently). The order is named
    // for reconciliation, with or without a key: an uncertain-outcome record (ORDER_NOT_RECORDED), or its
    // ERROR log line when the table is still down. A retry with the same key sends the same reference.
    logger.error('order created at SkipPay but not recorded', { reference, order_token: order.hash });
    throw await recordOrderNotRecorded(error, {
      table: PAYMENTS_TABLE,
      functionName: 'create-order',
      reference,
      keyHash: key === undefined || owner === undefined ? undefined : keyHashOf(owner, key),
      orderToken: order.hash,
    });
  }
  return {
    statusCode: 201,
    body: { order_token: order.hash, reference, ...(order.status ? { status: order.status } : {}) },
  };
};

/** What POST /v1/orders runs: a repeated Idempotency-Key gets the first answer back (shared/state/idempotency.ts). */
export const createOrderPerIdempotencyKey = withIdempotencyKey('create-order', createOrder, {
  referenceOf: orderReference,
  providerIdOf: (answer) => (answer.statusCode === 201 ? answer.body.order_token : undefined),
});

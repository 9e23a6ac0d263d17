// Bare GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token}: the same path
// rules (the merchant order id as safe text of 1-64 characters, the order token URL-safe), one consistent
// GetItem of the caller's order, expired read as absent, and the same answer as ours.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { callerOf, ConfigError, type Detail, fail, logged, matches, requestIdOf, respond, type Result, text, TOKEN } from './common.ts';
import { getLive, orderItemId } from './payment-state.ts';

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const path = event.pathParameters ?? {};
    const problems: Detail[] = [];
    const orderId = path.merchant_order_id === undefined ? undefined : text(path.merchant_order_id, 1, 64, 'path.merchant_order_id', problems);
    const orderToken = path.order_token === undefined ? undefined : matches(path.order_token, TOKEN, 'path.order_token', problems);
    if (problems.length > 0) return fail(400, 'VALIDATION_ERROR', requestId, problems);

    const owner = callerOf(event);
    if (owner === '') return fail(401, 'UNAUTHORIZED', requestId);
    const [provider, id] = orderId !== undefined ? (['etpay', orderId] as const) : orderToken !== undefined ? (['skippay', orderToken] as const) : [];
    // Only the owner's order: another clinic's reads like an unknown one.
    const item = provider === undefined || id === undefined ? undefined : await getLive(orderItemId(owner, provider, id));
    if (!item) return fail(404, 'NOT_FOUND', requestId);
    const view = {
      provider,
      id,
      status: item.status?.S,
      paid: item.status?.S === 'paid',
      amount: item.amount?.N === undefined ? undefined : Number(item.amount.N),
      provider_status: item.provider_status?.S ?? null,
      attempts: item.attempts?.N === undefined ? undefined : Number(item.attempts.N),
      created_at: item.created_at?.S,
      updated_at: item.updated_at?.S,
    };
    if (Object.values(view).some((value) => value === undefined)) return fail(500, 'INTERNAL_ERROR', requestId);
    return respond(200, view, requestId);
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

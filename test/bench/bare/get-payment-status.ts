// Bare GET /v1/payments/etpay/{merchant_order_id} and GET /v1/payments/skippay/{order_token}: the same path
// rules (the merchant order id as safe text of 1-64 characters, the order token URL-safe), one consistent
// GetItem of the order's state, expired read as absent, and the same answer as ours.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ConfigError, type Detail, fail, logged, matches, requestIdOf, respond, type Result, text, TOKEN } from './common.ts';
import { getLive } from './payment-state.ts';

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const path = event.pathParameters ?? {};
    const problems: Detail[] = [];
    const orderId = path.merchant_order_id === undefined ? undefined : text(path.merchant_order_id, 1, 64, 'path.merchant_order_id', problems);
    const orderToken = path.order_token === undefined ? undefined : matches(path.order_token, TOKEN, 'path.order_token', problems);
    if (problems.length > 0) return fail(400, 'VALIDATION_ERROR', requestId, problems);

    const [provider, id] = orderId !== undefined ? ['etpay', orderId] : orderToken !== undefined ? ['skippay', orderToken] : [];
    const item = id === undefined ? undefined : await getLive(`${provider}-order#${id}`);
    if (!item) return fail(404, 'NOT_FOUND', requestId);
    const status = item.status?.S;
    const paid = item.paid?.BOOL;
    const updatedAt = item.updated_at?.S;
    if (status === undefined || paid === undefined || updatedAt === undefined) return fail(500, 'INTERNAL_ERROR', requestId);
    return respond(200, { provider, id, status, paid, updated_at: updatedAt }, requestId);
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

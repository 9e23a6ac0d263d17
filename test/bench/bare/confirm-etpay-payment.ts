// Bare POST /v1/etpay/confirmations: the same body rules (a strict object with one `jwt` of 1-8192
// characters), the same verification and records (etpay-result.ts) and the same answer as ours.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { callerOf, ConfigError, type Detail, fail, logged, onlyKeys, readJsonObject, requestIdOf, respond, type Result } from './common.ts';
import { recordPaymentResult, verifyPaymentResult } from './etpay-result.ts';
import { getLive, orderItemId } from './payment-state.ts';

const BODY_KEYS = new Set(['jwt']);

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const read = readJsonObject(event);
    if (!('ok' in read)) return fail(read.status, read.code, requestId);
    const { jwt } = read.ok;
    const problems: Detail[] = [];
    onlyKeys(read.ok, BODY_KEYS, '', problems);
    if (typeof jwt !== 'string' || jwt.length < 1 || jwt.length > 8192) problems.push({ path: 'jwt', message: 'must be a string of 1-8192 characters' });
    if (problems.length > 0 || typeof jwt !== 'string') return fail(400, 'VALIDATION_ERROR', requestId, problems);

    const owner = callerOf(event);
    if (owner === '') return fail(401, 'UNAUTHORIZED', requestId);
    const result = await verifyPaymentResult(jwt, false, owner);
    if (result === 'not-found') return fail(404, 'NOT_FOUND', requestId);
    if (!result) return fail(401, 'INVALID_SIGNATURE', requestId);
    await recordPaymentResult(result, 'confirmation');
    // The order's word, not the result's: paid only for the right amount.
    const order = await getLive(orderItemId(owner, 'etpay', result.session.merchantOrderId));
    const status = order?.status?.S;
    return respond(
      200,
      {
        merchant_order_id: result.session.merchantOrderId,
        order_amount: result.session.orderAmount,
        payment_status: result.status,
        paid: status === 'paid',
        ...(status === undefined ? {} : { status }),
      },
      requestId,
    );
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

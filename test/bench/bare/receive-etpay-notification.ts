// Bare POST /v1/etpay/notifications: the same body rules (any object whose `payment` is a JWT of 1-8192
// characters; other fields ETpay may add are ignored), the same verification with a payment_token required
// and the same records (etpay-result.ts), and the same answer as ours.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ConfigError, fail, logged, readJsonObject, requestIdOf, respond, type Result } from './common.ts';
import { recordPaymentResult, verifyPaymentResult } from './etpay-result.ts';

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const read = readJsonObject(event);
    if (!('ok' in read)) return fail(read.status, read.code, requestId);
    const { payment } = read.ok;
    if (typeof payment !== 'string' || payment.length < 1 || payment.length > 8192) {
      return fail(400, 'VALIDATION_ERROR', requestId, [{ path: 'payment', message: 'must be a string of 1-8192 characters' }]);
    }

    const result = await verifyPaymentResult(payment, true);
    if (!result || result === 'not-found') return fail(401, 'INVALID_SIGNATURE', requestId);
    await recordPaymentResult(result, 'notification');
    return respond(200, { received: true }, requestId);
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

// Bare POST /v1/etpay/sessions: the same checks (return URLs against the stage's origins included),
// secret, the owner's order opened first (its first amount kept, a paid one refused), ETpay call, the
// session recorded as the order's attempt in DynamoDB and answer as ours, hand-written.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { amount, callerOf, ConfigError, type Detail, email, endpoint, env, fail, isObject, logged, onlyKeys, postJson, readJsonObject, requestIdOf, respond, type Result, rut, secret, text, TOKEN } from './common.ts';
import { addAttempt, openOrder } from './payment-state.ts';

const BODY_KEYS = new Set([
  'merchant_order_id', 'order_amount', 'customer_email', 'metadata', 'user_bank_code', 'user_rut', 'is_rut_block',
  'payment_completed_url', 'payment_cancellation_url',
]);
const ITEM_KEYS = new Set(['name', 'value', 'show']);
const BANKS = new Set(['cl_estado', 'cl_santander', 'cl_bch', 'cl_bci', 'cl_falabella', 'cl_itau', 'cl_scotiabank', 'cl_mach']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

let origins: string[] | undefined;
let paymentBase: string | undefined;
let webhookUrl: string | undefined;
const allowedOrigins = (): string[] => (origins ??= env('ETPAY_RETURN_ORIGINS').split(',').map((entry) => new URL(entry.trim()).origin));

const returnUrl = (value: unknown, path: string, problems: Detail[]): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > 2048) return void problems.push({ path, message: 'must be 1-2048 characters' });
  if (!URL.canParse(value)) return void problems.push({ path, message: 'must be an absolute URL' });
  const url = new URL(value);
  const localHttp = env('STAGE') === 'local' && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if ((url.protocol !== 'https:' && !localHttp) || url.username || url.password || !allowedOrigins().includes(url.origin)) {
    return void problems.push({ path, message: 'origin is not allowed for this stage' });
  }
  return value;
};

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const read = readJsonObject(event);
    if (!('ok' in read)) return fail(read.status, read.code, requestId);
    const body = read.ok;
    const problems: Detail[] = [];
    onlyKeys(body, BODY_KEYS, '', problems);
    const orderId = text(body.merchant_order_id, 1, 64, 'merchant_order_id', problems);
    const orderAmount = amount(body.order_amount, 'order_amount', problems);
    const customerEmail = body.customer_email === undefined ? undefined : email(body.customer_email, 'customer_email', problems);
    let metadata: { name: string | undefined; value: string | undefined; show: boolean }[] | undefined;
    if (body.metadata !== undefined) {
      if (!Array.isArray(body.metadata) || body.metadata.length > 10) problems.push({ path: 'metadata', message: 'at most 10 items' });
      else {
        metadata = (body.metadata as unknown[]).map((item, i) => {
          const path = `metadata.${i}`;
          if (!isObject(item)) {
            problems.push({ path, message: 'expected an object' });
            return { name: undefined, value: undefined, show: false };
          }
          onlyKeys(item, ITEM_KEYS, path, problems);
          if (typeof item.show !== 'boolean') problems.push({ path: `${path}.show`, message: 'must be a boolean' });
          return { name: text(item.name, 1, 50, `${path}.name`, problems), value: text(item.value, 1, 100, `${path}.value`, problems), show: item.show === true };
        });
      }
    }
    const bank = body.user_bank_code;
    if (bank !== undefined && (typeof bank !== 'string' || !BANKS.has(bank))) problems.push({ path: 'user_bank_code', message: 'unknown bank' });
    const userRut = body.user_rut === undefined ? undefined : rut(body.user_rut, 'user_rut', problems);
    const block = body.is_rut_block;
    if (block !== undefined && typeof block !== 'boolean') problems.push({ path: 'is_rut_block', message: 'must be a boolean' });
    else if (block !== undefined && body.user_rut === undefined) problems.push({ path: 'is_rut_block', message: 'only allowed together with user_rut' });
    const completed = returnUrl(body.payment_completed_url, 'payment_completed_url', problems);
    const cancelled = returnUrl(body.payment_cancellation_url, 'payment_cancellation_url', problems);
    if (problems.length > 0 || orderId === undefined || orderAmount === undefined) return fail(400, 'VALIDATION_ERROR', requestId, problems);
    const owner = callerOf(event);
    if (owner === '') return fail(401, 'UNAUTHORIZED', requestId);

    const etpay = await secret(env('ETPAY_SECRET_ID'), ['ETPAY_MERCHANT_CODE', 'ETPAY_MERCHANT_API_TOKEN']);
    const { order, created } = await openOrder(owner, 'etpay', orderId, orderAmount, undefined);
    if (!created && order.status?.S === 'paid') return fail(409, 'ORDER_ALREADY_PAID', requestId);
    if (!created && order.amount?.N !== String(orderAmount)) return fail(409, 'ORDER_CONFLICT', requestId);
    const request = {
      merchant_code: etpay.ETPAY_MERCHANT_CODE,
      merchant_api_token: etpay.ETPAY_MERCHANT_API_TOKEN,
      merchant_order_id: orderId,
      order_amount: orderAmount,
      customer_email: customerEmail,
      metadata,
      user_bank_code: bank,
      user_rut: userRut && `${userRut[0]}${userRut[1]}`,
      is_rut_block: block,
      payment_completed_url: completed,
      payment_cancellation_url: cancelled,
      payment_webhook_url: (webhookUrl ??= process.env.ETPAY_WEBHOOK_URL ?? '') || undefined,
    };
    const answer = await postJson('etpay', endpoint(env('ETPAY_API_URL'), 'session/initialize'), request, {}, context, true);
    if (!('ok' in answer)) return fail(answer.status, answer.code, requestId, undefined, 'etpay');
    const { token, signature_token: signature, terms_url: terms } = answer.ok;
    if (
      typeof token !== 'string' || !TOKEN.test(token) ||
      typeof signature !== 'string' || signature.length < 1 || signature.length > 1024 ||
      (terms !== undefined && (typeof terms !== 'string' || terms.length > 2048))
    ) {
      return fail(502, 'UPSTREAM_BAD_RESPONSE', requestId, undefined, 'etpay');
    }
    await addAttempt(order, 'etpay', token, orderAmount, { signatureToken: signature });
    const paymentUrl = (paymentBase ??= process.env.ETPAY_PAYMENT_URL ?? '');
    return respond(
      201,
      {
        token,
        ...(terms ? { terms_url: terms } : {}),
        merchant_order_id: orderId,
        ...(paymentUrl ? { payment_url: endpoint(paymentUrl, `session/${token}`).toString() } : {}),
      },
      requestId,
    );
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

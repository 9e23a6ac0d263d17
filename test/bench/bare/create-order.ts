// Bare POST /v1/orders: the same checks, secret, SkipPay call, owner-scoped order (and its attempt) in
// DynamoDB and answer as ours, hand-written.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { amount, callerOf, ConfigError, type Detail, email, endpoint, env, fail, isObject, logged, matches, onlyKeys, phone, postJson, readJsonObject, requestIdOf, respond, type Result, rut, secret, text, TOKEN } from './common.ts';
import { claimKey } from './idempotency.ts';
import { addAttempt, openOrder } from './payment-state.ts';

const BODY_KEYS = new Set(['reference', 'total_amount', 'provider_rut', 'customer']);
const CUSTOMER_KEYS = new Set(['rut', 'first_name', 'last_name', 'email', 'phone_number']);
const REFERENCE = /^[A-Za-z0-9._-]{1,64}$/;
const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,255}$/;

interface Answer {
  status: number;
  body: unknown;
}
const answer = (a: Answer, requestId: string): Result =>
  a.status === 201 ? respond(a.status, a.body, requestId) : fail(a.status, String(a.body), requestId, undefined, 'skippay');

interface Order {
  reference: string | undefined;
  total: number;
  customer: Record<string, string | undefined>;
  providerRut: [string, string] | undefined;
}

const placeOrder = async (order: Order, owner: string, context: Context): Promise<Answer> => {
  const skip = await secret(env('SKIP_SECRET_ID'), ['SKIP_PUBLIC_KEY', 'SKIPPAY_CLIENT_ID', 'SKIPPAY_CLIENT_SECRET']);
  const ref = order.reference ?? `CPA-${randomUUID().replaceAll('-', '').toUpperCase()}`;
  const { providerRut } = order;
  const sent = await postJson(
    'skippay',
    endpoint(env('SKIPPAY_API_URL'), 'orders'),
    { reference: ref, total_amount: String(order.total), customer: order.customer, ...(providerRut ? { provider_rut: `${providerRut[0]}-${providerRut[1]}` } : {}) },
    { authorization: `Bearer ${skip.SKIPPAY_CLIENT_SECRET}` },
    context,
    false,
  );
  if (!('ok' in sent)) return { status: sent.status, body: sent.code };
  const { hash, status } = sent.ok;
  if (typeof hash !== 'string' || !TOKEN.test(hash) || (status !== undefined && (typeof status !== 'string' || status.length > 64))) {
    return { status: 502, body: 'UPSTREAM_BAD_RESPONSE' };
  }
  // Known from its creation on: the owner's order, pending, and the SkipPay order as its attempt.
  const opened = await openOrder(owner, 'skippay', hash, order.total, status);
  if (opened.created) await addAttempt(opened.order, 'skippay', hash, order.total, { providerStatus: status });
  return { status: 201, body: { order_token: hash, reference: ref, ...(status ? { status } : {}) } };
};

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const read = readJsonObject(event);
    if (!('ok' in read)) return fail(read.status, read.code, requestId);
    const body = read.ok;
    const problems: Detail[] = [];
    onlyKeys(body, BODY_KEYS, '', problems);
    const reference = body.reference === undefined ? undefined : matches(body.reference, REFERENCE, 'reference', problems);
    const total = amount(body.total_amount, 'total_amount', problems);
    const providerRut = body.provider_rut === undefined ? undefined : rut(body.provider_rut, 'provider_rut', problems);
    const c = body.customer;
    let customer: Record<string, string | undefined> | undefined;
    if (!isObject(c)) problems.push({ path: 'customer', message: 'expected an object' });
    else {
      onlyKeys(c, CUSTOMER_KEYS, 'customer', problems);
      const customerRut = rut(c.rut, 'customer.rut', problems);
      customer = {
        rut: customerRut && `${customerRut[0]}-${customerRut[1]}`,
        first_name: text(c.first_name, 1, 100, 'customer.first_name', problems),
        last_name: text(c.last_name, 1, 100, 'customer.last_name', problems),
        email: email(c.email, 'customer.email', problems),
        phone_number: phone(c.phone_number, 'customer.phone_number', problems),
      };
    }
    const key = event.headers?.['idempotency-key'];
    if (key !== undefined) matches(key, IDEMPOTENCY_KEY, 'headers.idempotency-key', problems);
    if (problems.length > 0 || total === undefined || !customer) return fail(400, 'VALIDATION_ERROR', requestId, problems);

    const owner = callerOf(event);
    if (owner === '') return fail(401, 'UNAUTHORIZED', requestId);
    const order = { reference, total, customer, providerRut };
    if (key === undefined) return answer(await placeOrder(order, owner, context), requestId);
    const once = await claimKey<Answer>('create-order', owner, key, order, context);
    if (!once.run) return once.replay ? answer(once.replay, requestId) : fail(once.conflict ?? 409, once.conflict === 422 ? 'IDEMPOTENCY_KEY_REUSED' : 'IDEMPOTENCY_CONFLICT', requestId);
    let placed: Answer;
    try {
      placed = await placeOrder(order, owner, context);
    } catch (error) {
      await once.failed();
      throw error;
    }
    if (placed.status !== 201) await once.failed();
    else await once.done(placed);
    return answer(placed, requestId);
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

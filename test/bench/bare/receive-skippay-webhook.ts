// Bare POST /v1/webhooks/skippay: the same body guard (content type, base64, 16 KiB) with nothing parsed
// before the signature holds; the same cached Skip secret; HMAC-SHA256 of the exact bytes against
// `sha256=<hex>` in X-Gokeipay-Signature (or X-Skippay-Signature), compared in constant time; then the
// raw event stored once by its id (or the sha256 of its bytes) and, on that first write, the order's state.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError, env, fail, isObject, logged, readBody, requestIdOf, respond, type Result, secret, TOKEN } from './common.ts';
import { getLive, nowSeconds, RECORD_SECONDS, recordAttemptResult, recordOnce, type Item } from './payment-state.ts';

const SKIPPAY_FAILURES = new Set(['failed', 'cancelled', 'canceled', 'rejected', 'expired', 'voided']);

const SKIP_KEYS = ['SKIP_PUBLIC_KEY', 'SKIPPAY_CLIENT_ID', 'SKIPPAY_CLIENT_SECRET', 'SKIPPAY_WEBHOOK_SECRET'];
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;
const EVENT_ID = /^[\x21-\x7E]{1,256}$/;

const textOf = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length >= 1 && value.length <= max ? value : undefined;

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const read = readBody(event);
    if (!('ok' in read)) return fail(read.status, read.code, requestId);
    const raw = read.ok;

    const skip = await secret(env('SKIP_SECRET_ID'), SKIP_KEYS);
    const webhookSecret = skip.SKIPPAY_WEBHOOK_SECRET?.trim();
    if (!webhookSecret) throw new ConfigError('SKIPPAY_WEBHOOK_SECRET missing');
    const header = event.headers?.['x-gokeipay-signature'] ?? event.headers?.['x-skippay-signature'];
    const hex = header === undefined ? undefined : SIGNATURE.exec(header.trim())?.[1];
    if (hex === undefined) return fail(401, 'INVALID_SIGNATURE', requestId);
    const expected = createHmac('sha256', webhookSecret).update(raw).digest();
    const given = Buffer.from(hex, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail(401, 'INVALID_SIGNATURE', requestId);

    // Only what the state needs; an event of another shape is still stored and acknowledged.
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      json = undefined;
    }
    const body = isObject(json) ? json : {};
    const type = textOf(body.type, 128);
    const data = isObject(body.data) ? body.data : undefined;
    const orderToken = typeof data?.hash === 'string' && TOKEN.test(data.hash) ? data.hash : undefined;
    const status = textOf(data?.status, 64) ?? (type === 'order.paid' ? 'paid' : undefined);
    const eventId = typeof body.id === 'string' && EVENT_ID.test(body.id) ? body.id : `sha256:${createHash('sha256').update(raw).digest('hex')}`;

    const record: Item & { id: { S: string } } = { id: { S: `skippay-event#${eventId}` } };
    if (type !== undefined) record.event_type = { S: type };
    if (orderToken !== undefined) record.order_token = { S: orderToken };
    record.raw_body = { B: raw };
    record.received_at = { S: new Date().toISOString() };
    record.expiration = { N: String(nowSeconds() + RECORD_SECONDS) };
    await recordOnce(record, async () => {
      if (orderToken === undefined || status === undefined) return;
      // The order is found through its attempt (the SkipPay order): a hash nobody created here moves nothing.
      const attempt = await getLive(`attempt#skippay#${orderToken}`);
      if (!attempt) return;
      const total = Number(isObject(data) && data.total_amount !== undefined ? data.total_amount : attempt.amount?.N);
      await recordAttemptResult(attempt, status === 'paid' ? 'success' : SKIPPAY_FAILURES.has(status) ? 'failure' : 'pending', status, total);
    });
    return respond(200, { received: true }, requestId);
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

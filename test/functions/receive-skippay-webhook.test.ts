import { createHash, createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { handler } from '../../functions/receive-skippay-webhook/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { itemId } from '#shared/state/keys.ts';
import { addAttempt, openOrder } from '#shared/state/orders.ts';
import { CLINIC_A, httpEvent, invoke, lambdaContext, ownerOfClaims, type Answer } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { mockSecrets, SKIP_TEST_SECRET } from '../support/secrets.ts';
import { setEnvironment } from '../support/env.ts';

const output = captureOutput();
const table = usePaymentsTable();
const secrets = mockSecrets({ 'skip-secret': SKIP_TEST_SECRET });
const WEBHOOK_SECRET = SKIP_TEST_SECRET.SKIPPAY_WEBHOOK_SECRET;
const ROUTE = 'POST /v1/webhooks/skippay';

const hmac = (body: string | Buffer, secret = WEBHOOK_SECRET): string => createHmac('sha256', secret).update(body).digest('hex');
let counter = 0;
/** An event as SkipPay (and the local sandbox) sends it; ids and hashes fresh per call. */
const paidEvent = (overrides: Record<string, unknown> = {}) => {
  counter += 1;
  return JSON.stringify({
    id: `evt_${Date.now()}_${counter}`,
    type: 'order.paid',
    created_at: new Date().toISOString(),
    data: { hash: `ord_${Date.now()}_${counter}`, status: 'paid', reference: 'CLINIC-000123', total_amount: '50000' },
    ...overrides,
  });
};
const orderOf = (raw: string): string => (JSON.parse(raw) as { data: { hash: string } }).data.hash;
const OWNER = ownerOfClaims(CLINIC_A);
/** The order as POST /v1/orders records it (pending, 50 000), before SkipPay says anything about it. */
const knownOrder = async (hash: string): Promise<void> => {
  const { order } = await openOrder(table.name, { owner: OWNER, provider: 'skippay', id: hash, amount: 50000 });
  await addAttempt(table.name, order, { provider: 'skippay', providerId: hash, amount: 50000 });
};
const stateOf = (hash: string) => table.get(itemId.order(OWNER, 'skippay', hash));
const idOf = (raw: string): string => (JSON.parse(raw) as { id: string }).id;

const deliver = (rawBody: string, headers: Record<string, string> = { 'x-gokeipay-signature': `sha256=${hmac(rawBody)}` }, base64 = false) =>
  invoke(handler, { rawBody, headers, base64, routeKey: ROUTE });

/** Exactly these bytes, base64-encoded as API Gateway does for a body it treats as binary. */
const deliverBytes = async (bytes: Buffer, signature: string): Promise<Answer> => {
  const event = httpEvent({ routeKey: ROUTE, headers: { 'x-gokeipay-signature': signature } });
  event.body = bytes.toString('base64');
  event.isBase64Encoded = true;
  const result = await handler(event, lambdaContext());
  return { status: result.statusCode ?? 0, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') };
};

const expectRejected = (res: Answer): void => {
  expect(res.status).toBe(401);
  expect(res.body.error).toMatchObject({ code: 'INVALID_SIGNATURE', request_id: res.headers['x-request-id'] });
};

beforeEach(() => {
  secrets.answer({ 'skip-secret': SKIP_TEST_SECRET });
  resetSecretsCache();
  setEnvironment({ STAGE: 'local', SKIP_SECRET_ID: 'skip-secret', PAYMENTS_TABLE: table.name, SKIPPAY_API_URL: 'http://127.0.0.1:9/skippay' });
});

describe('POST /v1/webhooks/skippay: genuine events', () => {
  it('a signed order.paid → 200 {received: true}, the raw event stored byte for byte, the order paid', async () => {
    const raw = paidEvent();
    await knownOrder(orderOf(raw));
    const res = await deliver(raw);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });

    const stored = await table.get(`skippay-event#${idOf(raw)}`);
    expect(Buffer.from(stored?.raw_body as Uint8Array).toString('utf8')).toBe(raw);
    expect(stored).toMatchObject({ event_type: 'order.paid', order_token: orderOf(raw) });
    expect(await stateOf(orderOf(raw))).toMatchObject({ status: 'paid', provider_status: 'paid' });
    expect(await table.get(itemId.attempt('skippay', orderOf(raw)))).toMatchObject({ status: 'succeeded', paid_amount: 50000 });
  });

  it('the legacy X-Skippay-Signature header is accepted', async () => {
    const raw = paidEvent();
    expect((await deliver(raw, { 'x-skippay-signature': `sha256=${hmac(raw)}` })).status).toBe(200);
  });

  it('upper-case hex is the same signature', async () => {
    const raw = paidEvent();
    expect((await deliver(raw, { 'x-gokeipay-signature': `sha256=${hmac(raw).toUpperCase()}` })).status).toBe(200);
  });

  it('a base64-encoded body is verified on its decoded bytes', async () => {
    const raw = paidEvent();
    expect((await deliver(raw, { 'x-gokeipay-signature': `sha256=${hmac(raw)}` }, true)).status).toBe(200);
    // A signature over the base64 text, not the bytes, is not SkipPay's.
    const other = paidEvent();
    expectRejected(await deliver(other, { 'x-gokeipay-signature': `sha256=${hmac(Buffer.from(other).toString('base64'))}` }, true));
  });

  it('verifies the exact bytes, even ones that are not UTF-8 (and still acknowledges and stores them)', async () => {
    const bytes = Buffer.concat([Buffer.from('{"id":"evt_bin","note":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    expect((await deliverBytes(bytes, `sha256=${hmac(bytes)}`)).status).toBe(200);
    const lossy = Buffer.from(bytes.toString('utf8'), 'utf8');
    expectRejected(await deliverBytes(bytes, `sha256=${hmac(lossy)}`));
  });

  it('a replay is acknowledged and not stored again', async () => {
    const raw = paidEvent();
    expect((await deliver(raw)).status).toBe(200);
    const first = await table.get(`skippay-event#${idOf(raw)}`);
    const again = await Promise.all([deliver(raw), deliver(raw), deliver(raw)]);
    expect(again.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(await table.items(`skippay-event#${idOf(raw)}`)).toHaveLength(1);
    expect((await table.get(`skippay-event#${idOf(raw)}`))?.received_at).toBe(first?.received_at);
  });

  it('an event without id is identified by the sha256 of its bytes, so its replay is recognised too', async () => {
    const raw = JSON.stringify({ type: 'order.paid', data: { hash: `ord_noid_${Date.now()}`, status: 'paid' } });
    expect((await deliver(raw)).status).toBe(200);
    expect((await deliver(raw)).status).toBe(200);
    expect(await table.items(`skippay-event#sha256:${createHash('sha256').update(raw).digest('hex')}`)).toHaveLength(1);
  });

  it('unknown event types are accepted and stored; they move the state only as their status says', async () => {
    await knownOrder('ord_unknown1');
    const raw = paidEvent({ type: 'order.something_new', data: { hash: 'ord_unknown1', status: 'expired' } });
    expect((await deliver(raw)).status).toBe(200);
    expect(await table.get(`skippay-event#${idOf(raw)}`)).toMatchObject({ event_type: 'order.something_new' });
    expect(await stateOf('ord_unknown1')).toMatchObject({ status: 'failed', provider_status: 'expired' });

    const noStatus = paidEvent({ type: 'customer.updated', data: { customer: 'x' } });
    expect((await deliver(noStatus)).status).toBe(200);
    expect(await table.items(`skippay-event#${idOf(noStatus)}`)).toHaveLength(1);
  });

  it('paid stays paid: a later non-paid event does not undo it', async () => {
    const paid = paidEvent();
    const order = orderOf(paid);
    await knownOrder(order);
    await deliver(paid);
    await deliver(paidEvent({ type: 'order.updated', data: { hash: order, status: 'pending' } }));
    expect(await stateOf(order)).toMatchObject({ status: 'paid' });
  });

  it('an event about an order nobody created here is stored, acknowledged, and moves no state', async () => {
    const raw = paidEvent();
    expect((await deliver(raw)).status).toBe(200);
    expect(await table.items(`skippay-event#${idOf(raw)}`)).toHaveLength(1);
    expect(await table.items(`order#`)).not.toContainEqual(expect.objectContaining({ order_id: orderOf(raw) }));
  });

  it('a signed body that is not JSON is still acknowledged (verified first, parsed after)', async () => {
    const raw = 'not json at all';
    expect((await deliver(raw)).status).toBe(200);
  });
});

describe('POST /v1/webhooks/skippay: a signed body that is not a JSON object (documented in the README)', () => {
  const sha = (raw: string) => `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const cases = [
    { name: 'an array holding an event', raw: JSON.stringify([{ type: 'order.paid', data: { hash: 'ord_in_array', status: 'paid' } }]) },
    { name: 'null', raw: 'null' },
    { name: 'a string', raw: '"order.paid"' },
    { name: 'a number', raw: '42' },
  ].map((c) => ({ ...c, status: 200 }));
  it.each(cases)('$name → $status, stored raw once under the sha256 of its bytes, no order changed, a repeat acknowledged', async ({ raw, status }) => {
    expect(await deliver(raw)).toMatchObject({ status, body: { received: true } });
    const stored = await table.items(`skippay-event#${sha(raw)}`);
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.raw_body as Uint8Array).toString('utf8')).toBe(raw);
    expect(await table.items('skippay-order#ord_in_array')).toEqual([]);
    expect(await deliver(raw)).toMatchObject({ status: 200, body: { received: true } });
    expect(await table.items(`skippay-event#${sha(raw)}`)).toHaveLength(1);
  });
});

describe('POST /v1/webhooks/skippay: anything else → 401 INVALID_SIGNATURE, nothing stored', () => {
  const sig = (raw: string) => `sha256=${hmac(raw)}`;
  const same = (raw: string) => raw;
  const cases: { name: string; headersFor: (raw: string) => Record<string, string>; mutate: (raw: string) => string }[] = [
    { name: 'signed with a wrong secret', headersFor: (raw) => ({ 'x-gokeipay-signature': `sha256=${hmac(raw, 'whsec_wrong')}` }), mutate: same },
    { name: 'signed with the SkipPay client secret', headersFor: (raw) => ({ 'x-gokeipay-signature': `sha256=${hmac(raw, SKIP_TEST_SECRET.SKIPPAY_CLIENT_SECRET)}` }), mutate: same },
    { name: 'no signature header', headersFor: () => ({}), mutate: same },
    { name: 'an empty header', headersFor: () => ({ 'x-gokeipay-signature': '' }), mutate: same },
    { name: 'no sha256= prefix', headersFor: (raw) => ({ 'x-gokeipay-signature': hmac(raw) }), mutate: same },
    { name: 'another scheme', headersFor: (raw) => ({ 'x-gokeipay-signature': `sha1=${hmac(raw)}` }), mutate: same },
    { name: 'not hex', headersFor: () => ({ 'x-gokeipay-signature': `sha256=${'z'.repeat(64)}` }), mutate: same },
    { name: 'a short signature (length mismatch)', headersFor: (raw) => ({ 'x-gokeipay-signature': `sha256=${hmac(raw).slice(0, 62)}` }), mutate: same },
    { name: 'a long signature (length mismatch)', headersFor: (raw) => ({ 'x-gokeipay-signature': `sha256=${hmac(raw)}00` }), mutate: same },
    { name: 'two signatures in one header', headersFor: (raw) => ({ 'x-gokeipay-signature': `${sig(raw)},${sig(raw)}` }), mutate: same },
    { name: 'the body changed by one byte', headersFor: (raw) => ({ 'x-gokeipay-signature': sig(raw) }), mutate: (raw) => raw.replace('"status":"paid"', '"status":"paiD"') },
    { name: 'a byte appended', headersFor: (raw) => ({ 'x-gokeipay-signature': sig(raw) }), mutate: (raw) => `${raw} ` },
    { name: 'a valid legacy header overridden by a bad current one', headersFor: (raw) => ({ 'x-gokeipay-signature': `sha256=${'0'.repeat(64)}`, 'x-skippay-signature': sig(raw) }), mutate: same },
  ];
  it.each(cases)('$name → 401 INVALID_SIGNATURE, nothing stored', async ({ headersFor, mutate }) => {
    const raw = paidEvent();
    const sent = mutate(raw);
    if (mutate !== same) expect(sent).not.toBe(raw); // the change really happened
    const res = await deliver(sent, headersFor(raw));
    expectRejected(res);
    expect(await table.items(`skippay-event#${idOf(raw)}`)).toEqual([]);
    expect(await table.items(`order#`)).not.toContainEqual(expect.objectContaining({ order_id: orderOf(raw) }));
  });

  it('an unsigned body that is not JSON is 401, not 400: nothing is parsed before the signature holds', async () => {
    expectRejected(await deliver('{"broken', {}));
  });

  it('content type and size rules still apply before anything else', async () => {
    const raw = paidEvent();
    const res = await invoke(handler, { rawBody: raw, headers: { 'content-type': 'text/plain', 'x-gokeipay-signature': `sha256=${hmac(raw)}` } });
    expect(res.status).toBe(415);
  });
});

describe('POST /v1/webhooks/skippay: configuration fails closed', () => {
  it('a Skip secret without SKIPPAY_WEBHOOK_SECRET → 500 CONFIGURATION_ERROR, counted for skippay', async () => {
    const { SKIPPAY_WEBHOOK_SECRET: _omit, ...withoutWebhookSecret } = SKIP_TEST_SECRET;
    secrets.answer({ 'skip-secret': withoutWebhookSecret });
    const raw = paidEvent();
    const res = await deliver(raw);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('CONFIGURATION_ERROR');
    expect(await table.items(`skippay-event#${idOf(raw)}`)).toEqual([]);
    const emf = output.lines().filter((line) => line.includes('"ConfigurationError"'));
    expect(emf.at(-1)).toContain('"provider":"skippay"');
  });

  it('staging refuses live Skip keys', async () => {
    setEnvironment({ STAGE: 'staging' });
    secrets.answer({ 'skip-secret': { ...SKIP_TEST_SECRET, SKIP_PUBLIC_KEY: 'pk_live_x', SKIPPAY_CLIENT_ID: 'ci_live_x', SKIPPAY_CLIENT_SECRET: 'st_live_x' } });
    expect((await deliver(paidEvent())).body.error.code).toBe('CONFIGURATION_ERROR');
  });
});

describe('POST /v1/webhooks/skippay: observability', () => {
  it('logs neither the webhook secret, the signature nor the event body', () => {
    const text = output.text();
    expect(text).toContain('skippay webhook');
    for (const needle of [WEBHOOK_SECRET, SKIP_TEST_SECRET.SKIPPAY_CLIENT_SECRET, 'CLINIC-000123', 'sha256=']) expect(text).not.toContain(needle);
  });
});

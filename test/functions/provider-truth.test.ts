// Results from every source end the same way, against the sandbox: each SkipPay webhook shape moves its
// order; a signed event without a readable status pulls the order; an unreadable one is stored, acknowledged
// and counted; an ETpay delivery without the JWT pulls the session it names; a pull and a later signed
// notification of the same payment count once; GET ?refresh=true pulls, at most once per 30 s per order.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { itemId } from '#shared/state/keys.ts';
import { handler as notificationHandler } from '../../functions/receive-etpay-notification/handler.ts';
import { handler as statusHandler } from '../../functions/get-payment-status/handler.ts';
import { handler as webhookHandler } from '../../functions/receive-skippay-webhook/handler.ts';
import { SANDBOX_SKIP_SECRET, signSkipPayWebhook } from '../../local/sandbox/index.ts';
import { signResult } from '../support/etpay-jwt.ts';
import { httpEvent, invoke, lambdaContext, type Answer } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { usePaymentsWorld } from '../support/payments-world.ts';

const output = captureOutput();
const { world, createSkipPayOrder, openEtpaySession, orderOf, attemptOf, eventsAbout } = usePaymentsWorld();

const deliver = (body: unknown): Promise<Answer> => {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  return invoke(webhookHandler, {
    rawBody,
    headers: { 'x-gokeipay-signature': signSkipPayWebhook(rawBody, SANDBOX_SKIP_SECRET.SKIPPAY_WEBHOOK_SECRET) },
    routeKey: 'POST /v1/webhooks/skippay',
  });
};
const unrecognizedCounts = () =>
  output
    .lines()
    .filter((line) => line.includes('"UnrecognizedEvent"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.provider === 'skippay' && line.UnrecognizedEvent === 1).length;

/** The order reads of SkipPay's sandbox about one order: the pulls. */
const pullsOf = (hash: string) => world.sandbox.requests.filter((request) => request.method === 'GET' && request.path.includes(hash));

describe('SkipPay webhooks: both shapes the contract names', () => {
  // Each states the amount it was paid: a `paid` without one is no evidence of the amount (pulled, below).
  const shapes: { name: string; body: (hash: string) => Record<string, unknown> }[] = [
    { name: 'envelope {type, data: {hash, status, total_amount}}', body: (hash) => ({ id: randomUUID(), type: 'order.updated', data: { hash, status: 'paid', total_amount: '50000' } }) },
    { name: 'envelope {event, data: {order_hash, status, total_amount}}', body: (hash) => ({ event: 'order.updated', data: { order_hash: hash, status: 'paid', total_amount: 50000 } }) },
    { name: 'flat {event, hash, status, total_amount}', body: (hash) => ({ event: 'order.status_changed', hash, status: 'paid', total_amount: '50000' }) },
    { name: 'flat {type, order_hash, status, total_amount}', body: (hash) => ({ type: 'order.status_changed', order_hash: hash, status: 'paid', total_amount: 50000 }) },
  ];
  it.each(shapes)('$name → the order is paid, one event, no pull', async ({ body }) => {
    const hash = await createSkipPayOrder();
    const res = await deliver(body(hash));
    expect(res).toMatchObject({ status: 200, body: { received: true } });
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    expect(eventsAbout(hash)).toHaveLength(1);
    expect((await attemptOf('skippay', hash))?.due_shard).toBeUndefined();
    expect(pullsOf(hash)).toHaveLength(0);
  });

  it.each([
    { amount: '50000', status: 'paid' },
    { amount: 50000, status: 'paid' },
    { amount: '50000.00', status: 'paid' },
    // Chilean thousands separators are not read at all: never assumed to be the order's amount. The order is
    // pulled instead (payment-state-attacks.test.ts), and the sandbox has not settled it: still pending.
    { amount: '50.000', status: 'pending' },
    { amount: '1.000.000', status: 'pending' },
    { amount: 'cincuenta mil', status: 'pending' },
    { amount: 40000, status: 'needs_review' },
  ])('a paid event with total_amount $amount on a 50 000 order → $status (amounts read like every provider amount)', async ({ amount, status }) => {
    const hash = await createSkipPayOrder();
    const res = await deliver({ type: 'order.paid', data: { hash, status: 'paid', ...(amount === undefined ? {} : { total_amount: amount }) } });
    expect(res.status).toBe(200);
    expect(await orderOf('skippay', hash)).toMatchObject({ status });
  });

  describe('a paid event that states no total_amount is no evidence of the amount: the order is pulled', () => {
    const paidWithoutAmount = (hash: string) => ({ type: 'order.paid', data: { hash, status: 'paid' } });

    it('SkipPay settled it for the order\'s amount → paid because the pull says so, one event', async () => {
      const hash = await createSkipPayOrder();
      world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
      expect((await deliver(paidWithoutAmount(hash))).status).toBe(200);
      expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid', provider_status: 'paid' });
      expect(await attemptOf('skippay', hash)).toMatchObject({ status: 'succeeded', paid_amount: 50000 });
      expect(pullsOf(hash)).toHaveLength(1);
      expect(eventsAbout(hash)).toHaveLength(1);
    });

    it('SkipPay has not settled it → still pending, nothing published, the attempt stays due', async () => {
      const hash = await createSkipPayOrder();
      expect((await deliver(paidWithoutAmount(hash))).status).toBe(200);
      expect(await orderOf('skippay', hash)).toMatchObject({ status: 'pending' });
      expect(await attemptOf('skippay', hash)).toMatchObject({ status: 'pending', due_shard: 'due#skippay' });
      expect(pullsOf(hash)).toHaveLength(1);
      expect(eventsAbout(hash)).toHaveLength(0);
    });

    it('SkipPay settled it for another amount → needs_review, never paid', async () => {
      const hash = await createSkipPayOrder();
      world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid', { amount: 1 });
      expect((await deliver(paidWithoutAmount(hash))).status).toBe(200);
      expect(await orderOf('skippay', hash)).toMatchObject({ status: 'needs_review' });
      expect(await attemptOf('skippay', hash)).toMatchObject({ status: 'succeeded', paid_amount: 1 });
    });

    it('the flat shape and `order.paid` without a status field are pulled alike', async () => {
      const flat = await createSkipPayOrder();
      const typed = await createSkipPayOrder();
      expect((await deliver({ event: 'order.status_changed', hash: flat, status: 'paid' })).status).toBe(200);
      expect((await deliver({ type: 'order.paid', data: { hash: typed } })).status).toBe(200);
      for (const hash of [flat, typed]) {
        expect(pullsOf(hash)).toHaveLength(1);
        expect(await orderOf('skippay', hash)).toMatchObject({ status: 'pending' });
      }
    });
  });

  it('a signed event about a known order without a readable status pulls the order (paid at SkipPay)', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    const res = await deliver({ type: 'order.updated', data: { hash, state: { code: 7 } } });
    expect(res.status).toBe(200);
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid', provider_status: 'paid' });
    expect(pullsOf(hash).length).toBeGreaterThan(0);
  });

  it('a pull that fails on such an event still acknowledges it; the attempt stays due', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.setPullFault({ provider: 'skippay', order_token: hash }, 'FAULT-503');
    const res = await deliver({ event: 'order.updated', hash });
    expect(res).toMatchObject({ status: 200, body: { received: true } });
    expect(await attemptOf('skippay', hash)).toMatchObject({ status: 'pending', due_shard: 'due#skippay' });
  });

  it.each([
    { name: 'not JSON', raw: 'hello' },
    { name: 'a JSON array', raw: '[1,2]' },
    { name: 'no order named', raw: JSON.stringify({ type: 'payout.created', data: { amount: 5 } }) },
    { name: 'an order nobody created here', raw: JSON.stringify({ type: 'order.paid', data: { hash: 'ord_unknown_123' } }) },
  ])('unreadable signed event ($name) → stored, acknowledged, counted once', async ({ raw }) => {
    const before = unrecognizedCounts();
    const res = await deliver(raw);
    expect(res).toMatchObject({ status: 200, body: { received: true } });
    expect(unrecognizedCounts()).toBe(before + 1);
    const stored = await world.table.items('skippay-event#');
    expect(stored.some((item) => Buffer.from(item.raw_body as Uint8Array).toString('utf8') === raw)).toBe(true);
    // A redelivery is recognised: acknowledged, not counted again.
    await deliver(raw);
    expect(unrecognizedCounts()).toBe(before + 1);
  });
});

describe('ETpay notifications: the signed JWT, or a pull of the session named', () => {
  it('a body without the JWT naming a known session pulls it: paid, one event', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    const res = await invoke(notificationHandler, { body: { session_token: token, payment_status: 'success', merchant_amount: 1 } });
    expect(res).toMatchObject({ status: 200, body: { received: true } });
    // The unsigned body's amount is not believed: ETpay's answer (50 000) is.
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'paid' });
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
  });

  it('a body without the JWT naming no session we know → 401 INVALID_SIGNATURE', async () => {
    const res = await invoke(notificationHandler, { body: { session_token: 'tok_unknown_session', payment_status: 'success' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_SIGNATURE');
  });

  it('a pull and a later signed notification of the same payment count once (payment_token)', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    await invoke(notificationHandler, { body: { payment: { session_token: token } } });
    const records = await world.table.items(`etpay-payment#${token}#`);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ source: 'pull', payment_status: 'success', amount: 50000 });
    const attempt = await attemptOf('etpay', token);
    const jwt = await signResult(
      { session_token: token, merchant_order_id: merchantOrderId, order_amount: 50000, payment_status: 'success', payment_token: records[0]?.payment_token },
      String(attempt?.signature_token),
    );
    expect((await invoke(notificationHandler, { body: { payment: jwt } })).status).toBe(200);
    expect(await world.table.items(`etpay-payment#${token}#`)).toHaveLength(1);
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
  });
});

describe('ETpay notifications as an array (ETpay\'s status-answer format): each session named is pulled, nothing in it believed', () => {
  // The payer's bank data as ETpay's status answer carries it: it must reach neither a log line nor the table.
  const PERSONAL = { user_rut: '176543212', user_account: '000098765432', user_bank: 'cl_banco_secreto' };
  const element = (session_token: string, extra: Record<string, unknown> = {}) => ({
    payment_token: `pay_${randomUUID()}`,
    session_token,
    merchant_order_id: 'whatever-the-body-says',
    merchant_amount: 1,
    merchant_currency: 'CLP',
    ...PERSONAL,
    payment_status: 'success',
    payment_date: '2026-12-03T06:00:00Z',
    validationWeb: true,
    validationMail: true,
    reason: null,
    code: 0,
    confirmated_at: '2026-12-03T06:00:00Z',
    ...extra,
  });
  const expectNoPersonalData = async (since: number) => {
    const written = output.linesSince(since).join('\n');
    const stored = JSON.stringify(await world.table.items());
    for (const value of Object.values(PERSONAL)) {
      expect(written).not.toContain(value);
      expect(stored).not.toContain(value);
    }
  };
  const pullsLogged = (since: number) => output.linesSince(since).filter((line) => line.includes('"notification-pull"')).length;

  it('pulls each known session named, at ETpay\'s word (not the body\'s amount or status); unknown ones are passed over; no personal data kept', async () => {
    const mark = output.mark();
    const paid = await openEtpaySession();
    const unpaid = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: paid.token }, 'paid');
    const res = await invoke(notificationHandler, {
      body: [element(paid.token), element(unpaid.token), element('tok_unknown_session'), element(paid.token)],
    });
    expect(res).toMatchObject({ status: 200, body: { received: true } });
    // ETpay's answer (50 000, success) is recorded, not the body's merchant_amount 1.
    expect(await orderOf('etpay', paid.merchantOrderId)).toMatchObject({ status: 'paid', amount: 50000 });
    expect(eventsAbout(paid.merchantOrderId)).toHaveLength(1);
    // The body says success for the unpaid session too: ETpay says no payment, so it stays pending.
    expect(await orderOf('etpay', unpaid.merchantOrderId)).toMatchObject({ status: 'pending' });
    expect(eventsAbout(unpaid.merchantOrderId)).toHaveLength(0);
    // A session named twice is pulled once; the unknown one not at all.
    expect(pullsLogged(mark)).toBe(2);
    await expectNoPersonalData(mark);
  });

  it('a session already paid here is acknowledged without asking ETpay again', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    expect((await invoke(notificationHandler, { body: [element(token)] })).status).toBe(200);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'paid' });
    const mark = output.mark();
    // Were ETpay asked, the armed fault would be logged as a failed pull.
    world.sandbox.control.setPullFault({ provider: 'etpay', session_token: token }, 'FAULT-503');
    expect((await invoke(notificationHandler, { body: [element(token)] })).status).toBe(200);
    expect(pullsLogged(mark)).toBe(0);
    expect(output.linesSince(mark).some((line) => line.includes('pull failed'))).toBe(false);
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
  });

  it('an array naming no session we know → 401 INVALID_SIGNATURE, as the object without the JWT', async () => {
    const mark = output.mark();
    for (const body of [[element('tok_unknown_session')], [{ payment_status: 'success', ...PERSONAL }], [{ session_token: 42 }]]) {
      const res = await invoke(notificationHandler, { body });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    }
    await expectNoPersonalData(mark);
  });

  it('a pull ETpay cannot answer now still acknowledges the array; the attempt stays due for reconcile-payments', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.setPullFault({ provider: 'etpay', session_token: token }, 'FAULT-503');
    expect((await invoke(notificationHandler, { body: [element(token)] })).status).toBe(200);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'pending' });
    expect(await attemptOf('etpay', token)).toMatchObject({ status: 'pending', due_shard: 'due#etpay' });
  });

  it('bounded: an empty array or more than 20 elements → 400 VALIDATION_ERROR, over 16 KiB → 413, other JSON values → 400 INVALID_JSON', async () => {
    const mark = output.mark();
    const { token } = await openEtpaySession();
    const tooMany = Array.from({ length: 21 }, () => element(token));
    for (const body of [[], tooMany, [1], ['tok'], [null]]) {
      const res = await invoke(notificationHandler, { body });
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
    const large = await invoke(notificationHandler, { body: Array.from({ length: 20 }, () => element(token, { reason: 'x'.repeat(900) })) });
    expect(large.status).toBe(413);
    for (const rawBody of ['null', '"x"', '1']) {
      const res = await invoke(notificationHandler, { rawBody });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_JSON');
    }
    expect(pullsLogged(mark)).toBe(0);
    await expectNoPersonalData(mark);
  });
});

describe('GET /v1/payments/{provider}/{id}?refresh=true', () => {
  const read = async (hash: string, refresh: string | undefined) => {
    const event = httpEvent({ routeKey: 'GET /v1/payments/skippay/{order_token}' });
    const result = await statusHandler(
      { ...event, pathParameters: { order_token: hash }, ...(refresh === undefined ? {} : { queryStringParameters: { refresh } }) },
      lambdaContext(),
    );
    return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
  };
  const pullsOf = (hash: string) => world.sandbox.requests.filter((request) => request.method === 'GET' && request.path.includes(hash)).length;

  it('without refresh: the stored state, no pull', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    expect((await read(hash, undefined)).body.status).toBe('pending');
    expect(pullsOf(hash)).toBe(0);
  });

  it('pulls a pending order first, and at most once per order every 30 s', async () => {
    const hash = await createSkipPayOrder();
    expect((await read(hash, 'true')).body.status).toBe('pending');
    expect(pullsOf(hash)).toBe(1);
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    // Within 30 s: no second pull, the stored state.
    expect((await read(hash, 'true')).body.status).toBe('pending');
    expect(pullsOf(hash)).toBe(1);
    // 30 s later (the claim moved back, as time would): pulled, paid, one event.
    await world.table.set(itemId.order('https://issuer.test|clinic-a', 'skippay', hash), { last_refresh_at: Date.now() - 31_000 });
    expect((await read(hash, 'true')).body).toMatchObject({ status: 'paid', paid: true });
    expect(pullsOf(hash)).toBe(2);
    expect(eventsAbout(hash)).toHaveLength(1);
    // Paid: refresh no longer pulls.
    await read(hash, 'true');
    expect(pullsOf(hash)).toBe(2);
  });

  it('refresh=maybe → 400 VALIDATION_ERROR on query.refresh', async () => {
    const hash = await createSkipPayOrder();
    const res = await read(hash, 'maybe');
    expect(res.status).toBe(400);
  });
});

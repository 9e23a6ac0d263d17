// The payment state attacked end to end against the sandbox, path by path: every way an order can become
// paid (confirmation, signed notification, notification without the JWT, both SkipPay webhook shapes, the
// scheduled reconciliation, GET ?refresh=true) pays it only for a success of the order's amount, and makes it
// needs_review (counted) otherwise; `paid` never reverts whatever arrives after it; a result about one attempt
// never moves another; one payment seen twice counts once; another clinic learns nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScheduledEvent } from 'aws-lambda';
import { FIRST_CHECK_AFTER_MS } from '#shared/state/due.ts';
import { handler as confirmHandler } from '../../functions/confirm-etpay-payment/handler.ts';
import { handler as createSessionHandler } from '../../functions/create-etpay-session/handler.ts';
import { handler as statusHandler } from '../../functions/get-payment-status/handler.ts';
import { handler as notificationHandler } from '../../functions/receive-etpay-notification/handler.ts';
import { handler as webhookHandler } from '../../functions/receive-skippay-webhook/handler.ts';
import { handler as reconcileHandler } from '../../functions/reconcile-payments/handler.ts';
import { SANDBOX_SKIP_SECRET, signSkipPayWebhook } from '../../local/sandbox/index.ts';
import { signResult } from '../support/etpay-jwt.ts';
import { CLINIC_A, CLINIC_B, httpEvent, invoke, lambdaContext, type Answer } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { usePaymentsWorld } from '../support/payments-world.ts';

const output = captureOutput();
const { world, createSkipPayOrder, openEtpaySession, orderOf, attemptOf, eventsAbout } = usePaymentsWorld();
afterEach(() => vi.useRealTimers());

const ORDER_AMOUNT = 50000;

// ---- every path a provider's word takes ----

const signatureTokenOf = async (token: string): Promise<string> => String((await attemptOf('etpay', token))?.signature_token);

/** The payer's browser confirming (clinic A by default), with ETpay's signed result. */
const confirm = async (token: string, merchantOrderId: string, status: string, amount: number, options: { paymentToken?: string; claims?: typeof CLINIC_A } = {}) => {
  const jwt = await signResult(
    { session_token: token, merchant_order_id: merchantOrderId, order_amount: amount, payment_status: status, ...(options.paymentToken ? { payment_token: options.paymentToken } : {}) },
    await signatureTokenOf(token),
  );
  return invoke(confirmHandler, { body: { jwt }, claims: options.claims ?? CLINIC_A, routeKey: 'POST /v1/etpay/confirmations' });
};

/** ETpay notifying the signed result (merchant_amount, as its notification format names it). */
const notify = async (token: string, merchantOrderId: string, status: string, amount: number, paymentToken = `pt_${randomBytes(6).toString('hex')}`) => {
  const payment = await signResult(
    { session_token: token, merchant_order_id: merchantOrderId, merchant_amount: amount, payment_status: status, payment_token: paymentToken },
    await signatureTokenOf(token),
  );
  return invoke(notificationHandler, { body: { payment }, claims: null, routeKey: 'POST /v1/etpay/notifications' });
};

/** ETpay delivering without the JWT: nothing in it is believed, the session is pulled. */
const notifyUnsigned = (token: string, claimedAmount: number) =>
  invoke(notificationHandler, { body: { session_token: token, payment_status: 'success', merchant_amount: claimedAmount }, claims: null, routeKey: 'POST /v1/etpay/notifications' });

const deliver = (body: unknown): Promise<Answer> => {
  const rawBody = JSON.stringify(body);
  return invoke(webhookHandler, {
    rawBody,
    headers: { 'x-gokeipay-signature': signSkipPayWebhook(rawBody, SANDBOX_SKIP_SECRET.SKIPPAY_WEBHOOK_SECRET) },
    routeKey: 'POST /v1/webhooks/skippay',
    claims: null,
  });
};
const envelope = (hash: string, status: string, total?: string) => ({ id: randomUUID(), type: 'order.updated', data: { hash, status, ...(total ? { total_amount: total } : {}) } });
const flat = (hash: string, status: string, total?: string) => ({ event: 'order.status_changed', order_hash: hash, status, ...(total ? { total_amount: total } : {}) });

const scheduledEvent = { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {} } as ScheduledEvent;
/** One scheduled run, past the first check of anything created in this test. */
const reconcile = async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + FIRST_CHECK_AFTER_MS + 1_000 });
  try {
    return await reconcileHandler(scheduledEvent, lambdaContext(60_000));
  } finally {
    vi.useRealTimers();
  }
};

const readStatus = async (provider: 'etpay' | 'skippay', id: string, options: { refresh?: boolean; claims?: typeof CLINIC_A } = {}) => {
  const routeKey = provider === 'etpay' ? 'GET /v1/payments/etpay/{merchant_order_id}' : 'GET /v1/payments/skippay/{order_token}';
  const event = httpEvent({ routeKey, headers: {}, claims: options.claims ?? CLINIC_A });
  event.pathParameters = provider === 'etpay' ? { merchant_order_id: id } : { order_token: id };
  if (options.refresh) event.queryStringParameters = { refresh: 'true' };
  const result = await statusHandler(event, lambdaContext());
  return { status: result.statusCode ?? 0, headers: result.headers ?? {}, body: JSON.parse(String(result.body)) as Record<string, any> };
};

const pullsAtSandbox = (id: string) =>
  world.sandbox.requests.filter((request) => request.path.includes(id) || String(request.body ?? '').includes(id)).length;

/** PaymentNeedsReview metric lines for one provider written since a mark. */
const needsReviewCounted = (mark: number, provider: string) =>
  output
    .linesSince(mark)
    .filter((line) => line.includes('"PaymentNeedsReview"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.provider === provider && line.PaymentNeedsReview === 1).length;

/** An ETpay session opened for an existing merchant_order_id (a second attempt at the same order). */
const openAnotherSession = async (merchantOrderId: string, amount = ORDER_AMOUNT): Promise<string> => {
  const res = await invoke(createSessionHandler, { body: { merchant_order_id: merchantOrderId, order_amount: amount } });
  expect(res.status).toBe(201);
  return res.body.token as string;
};

// ---- the amount rule, on every path ----

interface WrongAmountCase {
  name: string;
  provider: 'etpay' | 'skippay';
  /** Pays 1 CLP on a 50 000 CLP order through one path; answers the order's id. */
  payOneClp: () => Promise<string>;
}

const wrongAmountCases: WrongAmountCase[] = [
  {
    name: 'confirm-etpay-payment (signed result of 1 CLP)',
    provider: 'etpay',
    payOneClp: async () => {
      const { token, merchantOrderId } = await openEtpaySession();
      const res = await confirm(token, merchantOrderId, 'success', 1, { paymentToken: 'pt_one' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ paid: false, status: 'needs_review' });
      return merchantOrderId;
    },
  },
  {
    name: 'ETpay notification, signed (merchant_amount 1)',
    provider: 'etpay',
    payOneClp: async () => {
      const { token, merchantOrderId } = await openEtpaySession();
      expect((await notify(token, merchantOrderId, 'success', 1)).status).toBe(200);
      return merchantOrderId;
    },
  },
  {
    name: 'ETpay notification without the JWT (the pull says 1 CLP moved; the body claims 50 000)',
    provider: 'etpay',
    payOneClp: async () => {
      const { token, merchantOrderId } = await openEtpaySession();
      world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid', { amount: 1 });
      expect((await notifyUnsigned(token, ORDER_AMOUNT)).status).toBe(200);
      return merchantOrderId;
    },
  },
  {
    name: 'SkipPay webhook, envelope shape (total_amount "1")',
    provider: 'skippay',
    payOneClp: async () => {
      const hash = await createSkipPayOrder();
      expect((await deliver(envelope(hash, 'paid', '1'))).status).toBe(200);
      return hash;
    },
  },
  {
    name: 'SkipPay webhook, flat shape (total_amount "1")',
    provider: 'skippay',
    payOneClp: async () => {
      const hash = await createSkipPayOrder();
      expect((await deliver(flat(hash, 'paid', '1'))).status).toBe(200);
      return hash;
    },
  },
  {
    name: 'reconcile-payments pulling an ETpay session paid 1 CLP',
    provider: 'etpay',
    payOneClp: async () => {
      const { token, merchantOrderId } = await openEtpaySession();
      world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid', { amount: 1 });
      await reconcile();
      return merchantOrderId;
    },
  },
  {
    name: 'reconcile-payments pulling a SkipPay order paid 1 CLP',
    provider: 'skippay',
    payOneClp: async () => {
      const hash = await createSkipPayOrder();
      world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid', { amount: 1 });
      await reconcile();
      return hash;
    },
  },
  {
    name: 'GET ?refresh=true pulling an ETpay session paid 1 CLP',
    provider: 'etpay',
    payOneClp: async () => {
      const { token, merchantOrderId } = await openEtpaySession();
      world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid', { amount: 1 });
      expect((await readStatus('etpay', merchantOrderId, { refresh: true })).body).toMatchObject({ status: 'needs_review', paid: false });
      return merchantOrderId;
    },
  },
  {
    name: 'GET ?refresh=true pulling a SkipPay order paid 1 CLP',
    provider: 'skippay',
    payOneClp: async () => {
      const hash = await createSkipPayOrder();
      world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid', { amount: 1 });
      expect((await readStatus('skippay', hash, { refresh: true })).body).toMatchObject({ status: 'needs_review', paid: false });
      return hash;
    },
  },
];

describe('1 CLP paid on a 50 000 CLP order, by every path that can mark an order paid', () => {
  it.each(wrongAmountCases)('$name → needs_review, not paid, counted once, one event', async ({ provider, payOneClp }) => {
    const mark = output.mark();
    const id = await payOneClp();
    expect(await orderOf(provider, id)).toMatchObject({ status: 'needs_review', amount: ORDER_AMOUNT });
    expect((await readStatus(provider, id)).body).toMatchObject({ status: 'needs_review', paid: false, amount: ORDER_AMOUNT });
    expect(needsReviewCounted(mark, provider)).toBe(1);
    expect(eventsAbout(id).map((event) => (event.detail as { status: string }).status)).toEqual(['needs_review']);
  });
});

describe('a signed SkipPay `paid` whose amount is there but unreadable is not taken as the order\'s amount', () => {
  it.each([
    { shape: 'envelope', total: 'abc', settled: undefined, status: 'pending' },
    { shape: 'flat', total: '50.000', settled: undefined, status: 'pending' },
    { shape: 'envelope', total: '-50000', settled: ORDER_AMOUNT, status: 'paid' },
    { shape: 'flat', total: '5e4', settled: 1, status: 'needs_review' },
  ] as const)('$shape with total_amount $total → pulled: SkipPay settled at $settled → $status', async ({ shape, total, settled, status }) => {
    const hash = await createSkipPayOrder();
    if (settled !== undefined) world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid', { amount: settled });
    const before = pullsAtSandbox(hash);
    expect((await deliver((shape === 'flat' ? flat : envelope)(hash, 'paid', total))).status).toBe(200);
    expect(pullsAtSandbox(hash)).toBe(before + 1);
    expect(await orderOf('skippay', hash)).toMatchObject({ status });
  });
});

// ---- paid never reverts ----

interface LateFailureCase {
  name: string;
  provider: 'etpay' | 'skippay';
  /** A paid order of 50 000 CLP and its attempt's provider id. */
  paid: () => Promise<{ id: string; attempt: string }>;
  /** A later failure, expiry or cancellation about the same payment, by one path. */
  fail: (paid: { id: string; attempt: string }) => Promise<unknown>;
}

const paidEtpay = async () => {
  const { token, merchantOrderId } = await openEtpaySession();
  expect((await notify(token, merchantOrderId, 'success', ORDER_AMOUNT)).status).toBe(200);
  return { id: merchantOrderId, attempt: token };
};
const paidSkipPay = async () => {
  const hash = await createSkipPayOrder();
  expect((await deliver(envelope(hash, 'paid', String(ORDER_AMOUNT)))).status).toBe(200);
  return { id: hash, attempt: hash };
};

const lateFailures: LateFailureCase[] = [
  { name: 'a confirmation of `error`', provider: 'etpay', paid: paidEtpay, fail: ({ id, attempt }) => confirm(attempt, id, 'error', ORDER_AMOUNT) },
  { name: 'a signed notification of `error`', provider: 'etpay', paid: paidEtpay, fail: ({ id, attempt }) => notify(attempt, id, 'error', ORDER_AMOUNT) },
  { name: 'a signed notification of `expired`', provider: 'etpay', paid: paidEtpay, fail: ({ id, attempt }) => notify(attempt, id, 'expired', ORDER_AMOUNT) },
  {
    name: 'a JWT-less notification after ETpay now says `error`',
    provider: 'etpay',
    paid: paidEtpay,
    fail: ({ attempt }) => {
      world.sandbox.control.settle({ provider: 'etpay', session_token: attempt }, 'failed');
      return notifyUnsigned(attempt, ORDER_AMOUNT);
    },
  },
  { name: 'a SkipPay `failed` webhook (envelope)', provider: 'skippay', paid: paidSkipPay, fail: ({ id }) => deliver(envelope(id, 'failed')) },
  { name: 'a SkipPay `expired` webhook (flat)', provider: 'skippay', paid: paidSkipPay, fail: ({ id }) => deliver(flat(id, 'expired')) },
  { name: 'a SkipPay `cancelled` order.cancelled without status, then pulled as cancelled', provider: 'skippay', paid: paidSkipPay, fail: ({ id }) => {
    world.sandbox.control.settle({ provider: 'skippay', order_token: id }, 'failed');
    return deliver({ id: randomUUID(), type: 'order.cancelled', data: { hash: id } });
  } },
  {
    name: 'reconcile-payments after the provider says `failed`',
    provider: 'skippay',
    paid: paidSkipPay,
    fail: async ({ id }) => {
      world.sandbox.control.settle({ provider: 'skippay', order_token: id }, 'failed');
      await reconcile();
    },
  },
  {
    name: 'GET ?refresh=true after the provider says `failed`',
    provider: 'skippay',
    paid: paidSkipPay,
    fail: async ({ id }) => {
      world.sandbox.control.settle({ provider: 'skippay', order_token: id }, 'failed');
      await readStatus('skippay', id, { refresh: true });
    },
  },
];

describe('paid never goes back', () => {
  it.each(lateFailures)('paid, then $name → still paid, no second event', async ({ provider, paid, fail }) => {
    const order = await paid();
    expect(await orderOf(provider, order.id)).toMatchObject({ status: 'paid' });
    await fail(order);
    expect(await orderOf(provider, order.id)).toMatchObject({ status: 'paid' });
    expect(await attemptOf(provider, order.attempt)).toMatchObject({ status: 'succeeded', paid_amount: ORDER_AMOUNT });
    expect((await readStatus(provider, order.id)).body).toMatchObject({ status: 'paid', paid: true });
    expect(eventsAbout(order.id)).toHaveLength(1);
  });
});

// ---- one attempt's result, one attempt ----

describe('a result about attempt X never changes attempt Y', () => {
  it('two sessions of one order: X failing leaves Y pending and the order pending; Y paying pays the order; X stays failed', async () => {
    const { token: x, merchantOrderId } = await openEtpaySession();
    const y = await openAnotherSession(merchantOrderId);
    expect((await orderOf('etpay', merchantOrderId))?.attempts).toBe(2);
    // The payer abandoned X (an old tab): its late failure is about X only.
    expect((await notify(x, merchantOrderId, 'error', ORDER_AMOUNT)).status).toBe(200);
    expect(await attemptOf('etpay', x)).toMatchObject({ status: 'failed' });
    expect(await attemptOf('etpay', y)).toMatchObject({ status: 'pending' });
    // The order's latest attempt (Y) has no final word: the order is not `failed`.
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'pending' });
    expect((await notify(y, merchantOrderId, 'success', ORDER_AMOUNT)).status).toBe(200);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'paid' });
    expect(await attemptOf('etpay', x)).toMatchObject({ status: 'failed' });
    expect(await attemptOf('etpay', y)).toMatchObject({ status: 'succeeded', paid_amount: ORDER_AMOUNT });
    expect(eventsAbout(merchantOrderId).map((event) => (event.detail as { status: string }).status)).toEqual(['paid']);
  });

  it('X failed, then the payer retries with Y: ?refresh=true still pulls Y and finds it paid', async () => {
    const { token: x, merchantOrderId } = await openEtpaySession();
    expect((await notify(x, merchantOrderId, 'error', ORDER_AMOUNT)).status).toBe(200);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'failed' });
    const y = await openAnotherSession(merchantOrderId);
    world.sandbox.control.settle({ provider: 'etpay', session_token: y }, 'paid');
    expect((await readStatus('etpay', merchantOrderId, { refresh: true })).body).toMatchObject({ status: 'paid', paid: true });
    expect(await attemptOf('etpay', x)).toMatchObject({ status: 'failed' });
  });

  it("a signed result naming X's session with Y's merchant_order_id is refused, and moves nothing", async () => {
    const first = await openEtpaySession();
    const second = await openEtpaySession();
    const jwt = await signResult(
      { session_token: first.token, merchant_order_id: second.merchantOrderId, order_amount: ORDER_AMOUNT, payment_status: 'success', payment_token: 'pt_cross' },
      await signatureTokenOf(first.token),
    );
    expect((await invoke(notificationHandler, { body: { payment: jwt }, claims: null })).status).toBe(401);
    expect(await orderOf('etpay', first.merchantOrderId)).toMatchObject({ status: 'pending' });
    expect(await orderOf('etpay', second.merchantOrderId)).toMatchObject({ status: 'pending' });
  });
});

describe('unsigned ETpay notifications naming a paid session', () => {
  it('are acknowledged without asking ETpay again, however many arrive', async () => {
    const { id, attempt } = await paidEtpay();
    const before = pullsAtSandbox(attempt);
    for (let i = 0; i < 5; i += 1) expect((await notifyUnsigned(attempt, 1)).status).toBe(200);
    expect(pullsAtSandbox(attempt)).toBe(before);
    expect(await orderOf('etpay', id)).toMatchObject({ status: 'paid' });
  });
});

// ---- one payment seen twice counts once ----

describe('one payment seen twice counts once', () => {
  it('a 1 CLP confirmation without payment_token, then its notification with one: needs_review counted once, one event', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    const mark = output.mark();
    expect((await confirm(token, merchantOrderId, 'success', 1)).status).toBe(200);
    expect((await notify(token, merchantOrderId, 'success', 1)).status).toBe(200);
    expect((await confirm(token, merchantOrderId, 'success', 1)).status).toBe(200);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'needs_review' });
    expect(needsReviewCounted(mark, 'etpay')).toBe(1);
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
  });

  it('the same SkipPay payment by webhook (both shapes), pull and refresh: paid once, one event', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    await deliver(envelope(hash, 'paid', String(ORDER_AMOUNT)));
    await deliver(flat(hash, 'paid', String(ORDER_AMOUNT)));
    await reconcile();
    await readStatus('skippay', hash, { refresh: true });
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    expect(eventsAbout(hash)).toHaveLength(1);
  });
});

// ---- another clinic ----

describe('clinic B guessing clinic A’s ids', () => {
  it('GET ?refresh=true on A’s order → 404 exactly as an unknown one; the provider is not asked, nothing is written', async () => {
    const hash = await createSkipPayOrder();
    const before = await orderOf('skippay', hash);
    const requests = pullsAtSandbox(hash);
    const theirs = await readStatus('skippay', hash, { refresh: true, claims: CLINIC_B });
    const unknown = await readStatus('skippay', `ord_${randomBytes(8).toString('hex')}`, { refresh: true, claims: CLINIC_B });
    expect(theirs.status).toBe(404);
    expect(unknown.status).toBe(404);
    const { request_id: _a, ...theirError } = theirs.body.error;
    const { request_id: _b, ...unknownError } = unknown.body.error;
    expect(theirError).toEqual(unknownError);
    expect(Object.keys(theirs.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
    expect(pullsAtSandbox(hash)).toBe(requests);
    expect(await orderOf('skippay', hash)).toEqual(before);
  });

  it('GET ?refresh=true on A’s ETpay order → 404; A’s session is not pulled', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    const requests = pullsAtSandbox(token);
    expect((await readStatus('etpay', merchantOrderId, { refresh: true, claims: CLINIC_B })).status).toBe(404);
    expect(pullsAtSandbox(token)).toBe(requests);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'pending' });
  });

  it('confirming A’s genuine result → 404 NOT_FOUND, nothing recorded, A’s order unchanged', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    const res = await confirm(token, merchantOrderId, 'success', ORDER_AMOUNT, { paymentToken: 'pt_b', claims: CLINIC_B });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(await world.table.items(`etpay-payment#${token}#`)).toHaveLength(0);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'pending' });
  });
});

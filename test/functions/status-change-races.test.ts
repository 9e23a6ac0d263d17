// Exactly one Payment Status Changed event per order status change, whatever the sources and however they
// race, against the sandbox: a status pull (reconcile-payments) and the provider's own notification of the
// same payment at once, GET ?refresh=true and reconcile-payments at once, and replays of every source. The
// event is the contract's (source, detail-type, exactly the detail fields) and carries no personal data.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScheduledEvent } from 'aws-lambda';
import { REPUBLISH_AFTER_MS } from '#shared/state/due.ts';
import { itemId } from '#shared/state/keys.ts';
import { handler as notificationHandler } from '../../functions/receive-etpay-notification/handler.ts';
import { handler as reconcileHandler } from '../../functions/reconcile-payments/handler.ts';
import { handler as statusHandler } from '../../functions/get-payment-status/handler.ts';
import { handler as webhookHandler } from '../../functions/receive-skippay-webhook/handler.ts';
import { SANDBOX_ETPAY_SECRET, SANDBOX_SKIP_SECRET, signSkipPayWebhook } from '../../local/sandbox/index.ts';
import { signResult } from '../support/etpay-jwt.ts';
import { samplePatient } from '../support/fixtures.ts';
import { httpEvent, invoke, lambdaContext } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { usePaymentsWorld } from '../support/payments-world.ts';

captureOutput();
const { world, createSkipPayOrder, openEtpaySession, orderOf, attemptOf, eventsAbout } = usePaymentsWorld();

const scheduledEvent = {
  version: '0',
  id: 'race-run',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: {},
} satisfies ScheduledEvent;
const reconcile = () => reconcileHandler(scheduledEvent, lambdaContext(60_000));
/** One scheduled run with the clock `aheadMs` past now (Date only, as reconcile-payments.test.ts does). */
const reconcileAt = async (aheadMs: number) => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + aheadMs });
  try {
    return await reconcile();
  } finally {
    vi.useRealTimers();
  }
};
afterEach(() => {
  vi.useRealTimers();
  world.bus.failNext(0);
});

/** Due now (as 2 minutes after its creation would make it), without faking the clock for the other sources. */
const makeDue = (provider: 'etpay' | 'skippay', providerId: string): Promise<void> =>
  world.table.set(itemId.attempt(provider, providerId), { next_check_at: new Date(Date.now() - 1_000).toISOString() });

/** ETpay's own answer about the session (as its notification would carry it): the payment_token. */
const etpayPaymentToken = async (session: string): Promise<string> => {
  const res = await fetch(`${world.sandbox.etpayApiUrl}/merchant/check_payment_status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ merchant_api_token: SANDBOX_ETPAY_SECRET.ETPAY_MERCHANT_API_TOKEN, session_token: session }),
  });
  const [payment] = (await res.json()) as { payment_token: string }[];
  return String(payment?.payment_token);
};

const signedNotification = async (session: string, merchantOrderId: string, paymentToken: string) => {
  const attempt = await attemptOf('etpay', session);
  const jwt = await signResult(
    { session_token: session, merchant_order_id: merchantOrderId, order_amount: 50000, payment_status: 'success', payment_token: paymentToken },
    String(attempt?.signature_token),
  );
  return () => invoke(notificationHandler, { body: { payment: jwt } });
};

const skipWebhook = (body: unknown) => {
  const rawBody = JSON.stringify(body);
  return () =>
    invoke(webhookHandler, {
      rawBody,
      headers: { 'x-gokeipay-signature': signSkipPayWebhook(rawBody, SANDBOX_SKIP_SECRET.SKIPPAY_WEBHOOK_SECRET) },
      routeKey: 'POST /v1/webhooks/skippay',
    });
};

const refresh = (hash: string) => {
  const event = httpEvent({ routeKey: 'GET /v1/payments/skippay/{order_token}' });
  return statusHandler({ ...event, pathParameters: { order_token: hash }, queryStringParameters: { refresh: 'true' } }, lambdaContext());
};

/** The contract's event, exactly, and nothing a person could be recognised by. */
const expectContractEvent = (event: (typeof world.bus.events)[number] | undefined, provider: string, id: string) => {
  expect(event).toMatchObject({ source: 'clinic-payments', 'detail-type': 'Payment Status Changed' });
  expect(Object.keys(event?.detail as object).sort()).toEqual(['amount', 'id', 'owner', 'paid', 'provider', 'status', 'updated_at']);
  expect(event?.detail).toMatchObject({ provider, id, status: 'paid', paid: true, amount: 50000 });
  const text = JSON.stringify(event);
  for (const personal of [samplePatient.rut, '12345678-5', '123456785', samplePatient.email, '912345678', samplePatient.first_name, samplePatient.last_name]) {
    expect(text).not.toContain(personal);
  }
  // ETpay's status answer carries the payer's bank data: none of it reaches the event.
  expect(text).not.toMatch(/user_rut|user_account|user_bank/);
};

describe('one event per order status change: sources racing', () => {
  it('ETpay: a status pull (reconcile-payments) and ETpay’s signed notification of the same payment at once → paid, one event, one payment record', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    await makeDue('etpay', token);
    const notify = await signedNotification(token, merchantOrderId, await etpayPaymentToken(token));
    const [, notified] = await Promise.all([reconcile(), notify(), notify()]);
    expect(notified.status).toBe(200);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'paid' });
    expect(await world.table.items(`etpay-payment#${token}#`)).toHaveLength(1);
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
    expectContractEvent(eventsAbout(merchantOrderId)[0], 'etpay', merchantOrderId);
    // The paid attempt left the due index: the next run does not pull it again.
    expect(await attemptOf('etpay', token)).not.toHaveProperty('due_shard');
  });

  it('ETpay: an unsigned delivery (pull of the session) and the signed notification at once → one event', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    const notify = await signedNotification(token, merchantOrderId, await etpayPaymentToken(token));
    const unsigned = () => invoke(notificationHandler, { body: { session_token: token, payment_status: 'success' } });
    const answers = await Promise.all([unsigned(), notify(), unsigned(), notify()]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'paid' });
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
  });

  it('SkipPay: a webhook with the status and a reconcile-payments pull at once → paid, one event', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    await makeDue('skippay', hash);
    const webhook = skipWebhook({ id: `evt_race_${hash}`, type: 'order.paid', data: { hash, status: 'paid', total_amount: '50000' } });
    await Promise.all([reconcile(), webhook(), reconcile()]);
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    expect(eventsAbout(hash)).toHaveLength(1);
    expectContractEvent(eventsAbout(hash)[0], 'skippay', hash);
  });

  it('SkipPay: GET ?refresh=true and reconcile-payments at once → paid, one event', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    await makeDue('skippay', hash);
    const [, read] = await Promise.all([reconcile(), refresh(hash), reconcile()]);
    expect(read.statusCode).toBe(200);
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    expect(eventsAbout(hash)).toHaveLength(1);
  });
});

describe('one event per order status change: replays', () => {
  it('the same signed SkipPay webhook delivered five times (two at once) → one event', async () => {
    const hash = await createSkipPayOrder();
    const webhook = skipWebhook({ event: 'order.paid', hash, status: 'paid', total_amount: '50000' });
    await Promise.all([webhook(), webhook()]);
    for (let i = 0; i < 3; i += 1) expect((await webhook()).status).toBe(200);
    expect(eventsAbout(hash)).toHaveLength(1);
  });

  it('ETpay’s signed notification replayed, then reconcile and refresh-like pulls again → one event', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    const notify = await signedNotification(token, merchantOrderId, await etpayPaymentToken(token));
    for (let i = 0; i < 3; i += 1) expect((await notify()).status).toBe(200);
    expect((await invoke(notificationHandler, { body: { session_token: token } })).status).toBe(200);
    await makeDue('etpay', token);
    await reconcile();
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
  });

  it('reconcile-payments run twice over a failed SkipPay order → one failed event', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'failed');
    await makeDue('skippay', hash);
    await reconcile();
    await makeDue('skippay', hash);
    await reconcile();
    expect(eventsAbout(hash).map((event) => (event.detail as { status: string }).status)).toEqual(['failed']);
  });
});

describe('a status change whose event did not reach the bus is published later, once', () => {
  it('EventBridge down during the webhook: the order is paid and marked; reconcile-payments publishes the event once after REPUBLISH_AFTER_MS', async () => {
    const hash = await createSkipPayOrder();
    world.bus.failNext(1_000);
    expect((await skipWebhook({ event: 'order.paid', hash, status: 'paid', total_amount: '50000' })()).status).toBe(200);
    world.bus.failNext(0);
    expect(eventsAbout(hash)).toHaveLength(0);
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid', due_shard: 'due#events' });

    // Not before REPUBLISH_AFTER_MS: a publish still in flight elsewhere is never doubled.
    expect((await reconcile()).events.republished).toBe(0);
    expect(eventsAbout(hash)).toHaveLength(0);

    const summary = await reconcileAt(REPUBLISH_AFTER_MS + 1_000);
    expect(summary.events).toMatchObject({ republished: 1, failed: 0 });
    expect(eventsAbout(hash)).toHaveLength(1);
    expectContractEvent(eventsAbout(hash)[0], 'skippay', hash);
    expect(await orderOf('skippay', hash)).not.toHaveProperty('due_shard');

    await reconcileAt(3 * REPUBLISH_AFTER_MS);
    expect(eventsAbout(hash)).toHaveLength(1);
  });

  it('a malformed order marked before it does not stop the sweep: counted as failed, the next order is published', async () => {
    await world.table.put({ id: 'order#malformed', due_shard: 'due#events', next_check_at: new Date(Date.now() - 60 * 60_000).toISOString(), status: 42 });
    const hash = await createSkipPayOrder();
    world.bus.failNext(1_000);
    expect((await skipWebhook({ event: 'order.paid', hash, status: 'paid', total_amount: '50000' })()).status).toBe(200);
    world.bus.failNext(0);
    const summary = await reconcileAt(REPUBLISH_AFTER_MS + 1_000);
    expect(summary.events).toMatchObject({ republished: 1, failed: 1 });
    expect(eventsAbout(hash)).toHaveLength(1);
    await world.table.put({ id: 'order#malformed' }); // out of the index again, for the tests after this one
  });

  it('still down at the next run: counted, tried again later, and then published once', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    world.bus.failNext(1_000);
    expect((await invoke(notificationHandler, { body: { session_token: token } })).status).toBe(200);
    const failed = await reconcileAt(REPUBLISH_AFTER_MS + 1_000);
    expect(failed.events.failed).toBeGreaterThanOrEqual(1);
    world.bus.failNext(0);
    expect(eventsAbout(merchantOrderId)).toHaveLength(0);
    const mark = String((await orderOf('etpay', merchantOrderId))?.next_check_at);
    expect(Date.parse(mark)).toBeGreaterThan(Date.now() + REPUBLISH_AFTER_MS);

    await reconcileAt(3 * REPUBLISH_AFTER_MS);
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
    expect(eventsAbout(merchantOrderId)[0]?.detail).toMatchObject({ status: 'paid', paid: true });
  });

  it('published at once: no mark is left, so later runs publish nothing again', async () => {
    const hash = await createSkipPayOrder();
    expect((await skipWebhook({ event: 'order.paid', hash, status: 'paid', total_amount: '50000' })()).status).toBe(200);
    expect(eventsAbout(hash)).toHaveLength(1);
    expect(await orderOf('skippay', hash)).not.toHaveProperty('due_shard');
    await reconcileAt(REPUBLISH_AFTER_MS + 1_000);
    expect(eventsAbout(hash)).toHaveLength(1);
  });
});

// reconcile-payments end to end: payments settled at the sandbox providers WITHOUT any notification become
// paid after one scheduled run; faults leave attempts due again later without stopping the other provider;
// each status change is one event with no personal data. Only Date is faked (to be past the 2-minute first
// check); sockets and timers are real.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScheduledEvent } from 'aws-lambda';
import { handler as reconcileHandler } from '../../functions/reconcile-payments/handler.ts';
import { handler as createSessionHandler } from '../../functions/create-etpay-session/handler.ts';
import { handler as notificationHandler } from '../../functions/receive-etpay-notification/handler.ts';
import { backOffMs, FIRST_CHECK_AFTER_MS, PULL_EXPIRY_MS } from '#shared/state/due.ts';
import { pullEtpaySessionStatus } from '#shared/providers/etpay-status.ts';
import { DUE_ATTEMPTS_INDEX, itemId } from '#shared/state/keys.ts';
import { SANDBOX_ETPAY_SECRET } from '../../local/sandbox/credentials.ts';
import { captureOutput } from '../support/logs.ts';
import { invoke, lambdaContext } from '../support/lambda.ts';
import { samplePatient } from '../support/fixtures.ts';
import { usePaymentsWorld } from '../support/payments-world.ts';

const output = captureOutput();
const { world, createSkipPayOrder, openEtpaySession, orderOf, attemptOf, eventsAbout } = usePaymentsWorld();

const scheduledEvent: ScheduledEvent = {
  version: '0',
  id: 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/clinic-payments-staging-reconcile'],
  detail: {},
};

/** One run, as the schedule invokes it, with the clock `aheadMs` past now (Date only). */
const runAt = async (aheadMs: number, remainingMs = 60_000) => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + aheadMs });
  try {
    return await reconcileHandler(scheduledEvent, lambdaContext(remainingMs));
  } finally {
    vi.useRealTimers();
  }
};
afterEach(() => vi.useRealTimers());

const metricLines = (name: string) =>
  output
    .lines()
    .filter((line) => line.includes(`"${name}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('reconcile-payments: the providers’ word without any notification', () => {
  it('an ETpay session paid at the provider (no notification) is paid after one run; one event, no personal data', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    expect(await attemptOf('etpay', token)).toMatchObject({ [DUE_ATTEMPTS_INDEX.partitionKey]: 'due#etpay', due_checks: 0 });
    expect(world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid')).toMatchObject({ ok: true, notified: false });
    expect((await orderOf('etpay', merchantOrderId))?.status).toBe('pending');

    // Not due yet: a run right now leaves it alone.
    const early = await reconcileHandler(scheduledEvent, lambdaContext(60_000));
    expect((await orderOf('etpay', merchantOrderId))?.status).toBe('pending');
    expect(early.etpay.checked).toBe(0);

    const summary = await runAt(FIRST_CHECK_AFTER_MS + 1_000);
    expect(summary.etpay).toMatchObject({ checked: 1, changed: 1, failed: 0 });
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'paid', provider_status: 'success' });
    // Final: out of the due index.
    const attempt = await attemptOf('etpay', token);
    expect(attempt).toMatchObject({ status: 'succeeded', paid_amount: 50000 });
    expect(attempt?.[DUE_ATTEMPTS_INDEX.partitionKey]).toBeUndefined();
    expect(attempt?.[DUE_ATTEMPTS_INDEX.sortKey]).toBeUndefined();

    const events = eventsAbout(merchantOrderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'clinic-payments', 'detail-type': 'Payment Status Changed' });
    expect(events[0]?.detail).toEqual({
      provider: 'etpay',
      id: merchantOrderId,
      owner: 'https://issuer.test|clinic-a',
      status: 'paid',
      paid: true,
      amount: 50000,
      updated_at: expect.any(String),
    });
    // A second run finds nothing due, and publishes nothing more.
    const again = await runAt(FIRST_CHECK_AFTER_MS + 60_000);
    expect(again.etpay.checked).toBe(0);
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
  });

  it('a SkipPay order paid at the provider (no webhook) is paid after one run; one event with no personal data', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    const summary = await runAt(FIRST_CHECK_AFTER_MS + 1_000);
    expect(summary.skippay).toMatchObject({ changed: 1, failed: 0 });
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid', provider_status: 'paid' });
    const events = eventsAbout(hash);
    expect(events).toHaveLength(1);
    const text = JSON.stringify(events);
    for (const personal of [samplePatient.email, '12345678', samplePatient.first_name, samplePatient.last_name, '91234']) expect(text).not.toContain(personal);
  });

  it('a pending answer moves the next check out by the back-off, and the attempt stays pending', async () => {
    const hash = await createSkipPayOrder();
    const before = Date.now();
    const summary = await runAt(FIRST_CHECK_AFTER_MS + 1_000);
    expect(summary.skippay.failed).toBe(0);
    const attempt = await attemptOf('skippay', hash);
    expect(attempt).toMatchObject({ status: 'pending', due_checks: 1 });
    const next = Date.parse(String(attempt?.next_check_at));
    expect(next).toBeGreaterThanOrEqual(before + FIRST_CHECK_AFTER_MS + backOffMs(1));
    expect(eventsAbout(hash)).toHaveLength(0);
  });

  it('a provider fault leaves the attempt due again later, and the other provider’s attempts are still checked', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    const hash = await createSkipPayOrder();
    world.sandbox.control.setPullFault({ provider: 'etpay', session_token: token }, 'FAULT-503');
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    const summary = await runAt(FIRST_CHECK_AFTER_MS + 1_000);
    expect(summary.etpay.failed).toBeGreaterThanOrEqual(1);
    expect(summary.skippay.changed).toBeGreaterThanOrEqual(1);
    expect((await orderOf('skippay', hash))?.status).toBe('paid');
    expect((await orderOf('etpay', merchantOrderId))?.status).toBe('pending');
    const attempt = await attemptOf('etpay', token);
    expect(attempt).toMatchObject({ status: 'pending', due_shard: 'due#etpay', due_checks: 1 });
    expect(Date.parse(String(attempt?.next_check_at))).toBeGreaterThan(Date.now() + FIRST_CHECK_AFTER_MS);

    // Counted per provider, with the alarms' dimensions.
    const failed = metricLines('ReconcileFailed').filter((line) => line.provider === 'etpay' && Number(line.ReconcileFailed) > 0);
    expect(failed.length).toBeGreaterThan(0);

    // The fault clears, the payment went through meanwhile: the next due run finds it paid.
    world.sandbox.control.setPullFault({ provider: 'etpay', session_token: token }, undefined);
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    await runAt(FIRST_CHECK_AFTER_MS + backOffMs(1) + 60_000);
    expect((await orderOf('etpay', merchantOrderId))?.status).toBe('paid');
  });

  it('the back-off grows with each pull without a final answer (4, then 8 minutes…)', async () => {
    const hash = await createSkipPayOrder();
    const created = Date.now();
    await runAt(FIRST_CHECK_AFTER_MS + 1_000);
    const first = await attemptOf('skippay', hash);
    expect(first).toMatchObject({ due_checks: 1 });
    const secondRun = Date.parse(String(first?.next_check_at)) - created + 1_000;
    await runAt(secondRun);
    const second = await attemptOf('skippay', hash);
    expect(second).toMatchObject({ status: 'pending', due_checks: 2 });
    expect(Date.parse(String(second?.next_check_at))).toBeGreaterThanOrEqual(created + secondRun + backOffMs(2) - 1_000);
  });
});

describe('reconcile-payments at the provider’s expiry: abandoned checkouts apart from stuck payments', () => {
  /** The metric's value for the provider on the run lines written since `mark`. */
  const counted = (mark: number, name: string, provider: string) =>
    output
      .linesSince(mark)
      .filter((line) => line.includes(`"${name}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.provider === provider)
      .reduce((sum, line) => sum + Number(line[name]), 0);

  it('an ETpay session never paid (ETpay answers `[]`) leaves the index as abandoned: ReconcileAbandoned, not ReconcileExpired; order unchanged, no event', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    const mark = output.mark();
    const summary = await runAt(PULL_EXPIRY_MS.etpay + 1_000);
    expect(summary.etpay).toMatchObject({ expired: 0, abandoned: 1, failed: 0 });
    const attempt = await attemptOf('etpay', token);
    expect(attempt).toMatchObject({ status: 'pending', expired_as: 'abandoned', expired_at: expect.any(String) });
    expect(attempt?.due_shard).toBeUndefined();
    expect(attempt?.pull_answer).toBeUndefined();
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'pending' });
    expect(eventsAbout(merchantOrderId)).toHaveLength(0);
    expect(counted(mark, 'ReconcileAbandoned', 'etpay')).toBe(1);
    expect(counted(mark, 'ReconcileExpired', 'etpay')).toBe(0);
    expect(output.linesSince(mark).some((line) => line.includes('attempt still pending at its provider expiry'))).toBe(false);
    // Out of the index: the next run does not pull it again.
    expect((await runAt(PULL_EXPIRY_MS.etpay + 60 * 60_000)).etpay).toMatchObject({ checked: 0, abandoned: 0 });
  });

  it('abandoned also when only the last pull failed and the one before said `[]`', async () => {
    const { token } = await openEtpaySession();
    await runAt(PULL_EXPIRY_MS.etpay - 30 * 60_000);
    expect(await attemptOf('etpay', token)).toMatchObject({ pull_answer: 'no_payment' });
    world.sandbox.control.setPullFault({ provider: 'etpay', session_token: token }, 'FAULT-503');
    const summary = await runAt(PULL_EXPIRY_MS.etpay + 1_000);
    expect(summary.etpay).toMatchObject({ failed: 1, expired: 0, abandoned: 1 });
    expect(await attemptOf('etpay', token)).toMatchObject({ expired_as: 'abandoned' });
  });

  it('ETpay pulls that kept failing to the expiry: stuck, ReconcileExpired pages (an earlier `[]` is forgotten by a later failure)', async () => {
    const { token } = await openEtpaySession();
    await runAt(PULL_EXPIRY_MS.etpay - 90 * 60_000);
    expect(await attemptOf('etpay', token)).toMatchObject({ pull_answer: 'no_payment' });
    world.sandbox.control.setPullFault({ provider: 'etpay', session_token: token }, 'FAULT-503');
    await runAt(PULL_EXPIRY_MS.etpay - 30 * 60_000);
    expect((await attemptOf('etpay', token))?.pull_answer).toBeUndefined();
    const mark = output.mark();
    const summary = await runAt(PULL_EXPIRY_MS.etpay + 1_000);
    expect(summary.etpay).toMatchObject({ expired: 1, abandoned: 0 });
    expect(await attemptOf('etpay', token)).toMatchObject({ status: 'pending', expired_as: 'stuck' });
    expect(counted(mark, 'ReconcileExpired', 'etpay')).toBe(1);
    expect(counted(mark, 'ReconcileAbandoned', 'etpay')).toBe(0);
  });

  it('ETpay reporting a payment in a state that is not final at the expiry: stuck, ReconcileExpired pages', async () => {
    const { token } = await openEtpaySession();
    // ETpay on loopback, answering a payment of the session that is neither `success` nor `error`.
    const etpay = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify([{ payment_token: 'pay_processing', session_token: token, merchant_amount: 50000, payment_status: 'processing' }]));
    });
    await new Promise<void>((resolve) => etpay.listen(0, '127.0.0.1', resolve));
    process.env.ETPAY_API_URL = `http://127.0.0.1:${(etpay.address() as AddressInfo).port}/etpay`;
    try {
      const summary = await runAt(PULL_EXPIRY_MS.etpay + 1_000);
      expect(summary.etpay).toMatchObject({ checked: 1, expired: 1, abandoned: 0 });
    } finally {
      etpay.close();
    }
    expect(await attemptOf('etpay', token)).toMatchObject({ status: 'pending', provider_status: 'processing', expired_as: 'stuck' });
  });

  it('a SkipPay order still `pending` at its 45 days: stuck (SkipPay always answers with a status word, never "no payment")', async () => {
    const hash = await createSkipPayOrder();
    const summary = await runAt(PULL_EXPIRY_MS.skippay + 1_000);
    // Earlier tests' SkipPay orders left pending expire in the same run: all of them stuck, none abandoned.
    expect(summary.skippay.expired).toBeGreaterThanOrEqual(1);
    expect(summary.skippay.abandoned).toBe(0);
    expect(await attemptOf('skippay', hash)).toMatchObject({ status: 'pending', expired_as: 'stuck' });
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'pending' });
  });

  it('an abandoned ETpay session of an order another session paid expires without paging (not a stuck payment)', async () => {
    const { token: abandoned, merchantOrderId } = await openEtpaySession();
    // The payer came back and opened a second session for the same order, and paid with it.
    const second = await invoke(createSessionHandler, { body: { merchant_order_id: merchantOrderId, order_amount: 50000 } });
    expect(second.status).toBe(201);
    const paidWith = second.body.token as string;
    world.sandbox.control.settle({ provider: 'etpay', session_token: paidWith }, 'paid');
    expect((await invoke(notificationHandler, { body: { session_token: paidWith } })).status).toBe(200);
    expect((await orderOf('etpay', merchantOrderId))?.status).toBe('paid');

    await runAt(PULL_EXPIRY_MS.etpay + 1_000);
    expect((await attemptOf('etpay', abandoned))?.due_shard).toBeUndefined();
    const stuck = output.lines().filter((line) => line.includes('attempt still pending at its provider expiry') && line.includes(merchantOrderId));
    expect(stuck).toEqual([]);
    expect(output.lines().some((line) => line.includes('attempt expired unused, its order is paid') && line.includes(merchantOrderId))).toBe(true);
  });

  it('a pull that used its whole deadline still leaves the event its own time (the run’s, not the pull’s)', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    // SkipPay answers just inside the pull's deadline: a loopback proxy moves the (faked) clock to the end
    // of UPSTREAM_TIMEOUT_MS (1500 ms here; Date only, frozen otherwise) before passing the answer on.
    const proxy = createServer((request, response) => {
      const upstream = new URL(request.url ?? '/', world.sandbox.skippayApiUrl.replace(/\/skippay$/, ''));
      void fetch(upstream, { method: request.method, headers: { authorization: String(request.headers.authorization) } }).then(async (answer) => {
        vi.setSystemTime(Date.now() + 1_500);
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(await answer.text());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    process.env.SKIPPAY_API_URL = `http://127.0.0.1:${port}/skippay`;
    try {
      const summary = await runAt(FIRST_CHECK_AFTER_MS + 1_000);
      expect(summary.skippay.changed).toBeGreaterThanOrEqual(1);
    } finally {
      proxy.close();
    }
    expect((await orderOf('skippay', hash))?.status).toBe('paid');
    expect(eventsAbout(hash)).toHaveLength(1);
  });

  it('starts no pull when the Lambda has too little time left', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    const summary = await runAt(FIRST_CHECK_AFTER_MS + 1_000, 2_500);
    expect(summary.skippay).toMatchObject({ checked: 0, outOfTime: true });
    expect((await orderOf('skippay', hash))?.status).toBe('pending');
  });
});

describe('reconcile-payments and a payment record whose state writes never happened', () => {
  it('a notification that stopped after its once-record (Lambda ended, table failed) does not block the pull: the order is paid on the next run', async () => {
    const { token, merchantOrderId } = await openEtpaySession();
    world.sandbox.control.settle({ provider: 'etpay', session_token: token }, 'paid');
    const status = await pullEtpaySessionStatus(token, {
      apiUrl: world.sandbox.etpayApiUrl,
      merchantCode: SANDBOX_ETPAY_SECRET.ETPAY_MERCHANT_CODE,
      merchantApiToken: SANDBOX_ETPAY_SECRET.ETPAY_MERCHANT_API_TOKEN,
      timeoutMs: 5_000,
      deadline: Date.now() + 5_000,
    });
    // What recordOnce leaves when the function stops between its once-record and the attempt's writes.
    await world.table.put({ id: itemId.etpayPayment(token, status.payment_token!), payment_token: status.payment_token, session_token: token, source: 'notification' });
    await runAt(FIRST_CHECK_AFTER_MS + 1_000);
    expect(await orderOf('etpay', merchantOrderId)).toMatchObject({ status: 'paid' });
    expect(eventsAbout(merchantOrderId)).toHaveLength(1);
    expect((await attemptOf('etpay', token))?.due_shard).toBeUndefined();
  });
});

// Our own dependencies failing in the middle of a request, after some of it has happened (issue 15): the
// sandbox providers, dynalite for the table (with chosen calls sent to a hung or refusing endpoint instead), the
// EventBridge stand-in (failing, or replaced by a hung or refusing endpoint). What must hold:
// - the caller gets the contract's answer within the request's budget, never middy's timeout;
// - state first: a status change recorded before the event is kept when the event cannot be published, which
//   is counted (EventPublishFailed) while the caller still gets its answer;
// - a state write that failed midway is repaired by the next pull (the payment is not lost);
// - reconcile-payments: a page whose table read fails is counted, the run does not crash, the attempts it
//   already checked stay counted, and the other provider is still checked.
import { createHmac } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetEventBridgeClient } from '#shared/events/payment-events.ts';
import { DEPENDENCY_BUDGETS, FUNCTION_TIMEOUT_SECONDS } from '#shared/limits.ts';
import { PAGE_SIZE } from '#shared/routes/reconcile-payments/reconcile-payments.ts';
import { REFRESH_INTERVAL_MS } from '#shared/routes/get-payment-status/refresh.ts';
import { FIRST_CHECK_AFTER_MS } from '#shared/state/due.ts';
import { DUE_ATTEMPTS_INDEX } from '#shared/state/keys.ts';
import { handler as getStatusHandler } from '../../functions/get-payment-status/handler.ts';
import { handler as reconcileHandler } from '../../functions/reconcile-payments/handler.ts';
import { handler as webhookHandler } from '../../functions/receive-skippay-webhook/handler.ts';
import { SANDBOX_SKIP_SECRET } from '../../local/sandbox/index.ts';
import { useDeadEndpoints } from '../support/dead-endpoints.ts';
import { itemIdOf, stringOf, useDynamoFaults, type DynamoCall, type DynamoFault } from '../support/dynamo-faults.ts';
import { setEnvironment } from '../support/env.ts';
import { httpEvent, lambdaContext } from '../support/lambda.ts';
import { captureOutput } from '../support/logs.ts';
import { usePaymentsWorld } from '../support/payments-world.ts';

const output = captureOutput();
const dead = useDeadEndpoints();
const { world, createSkipPayOrder, openEtpaySession, orderOf, attemptOf, eventsAbout } = usePaymentsWorld();
const faults = useDynamoFaults(dead);
const LAMBDA_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS * 1_000;
afterEach(() => {
  faults.set(undefined);
  vi.useRealTimers();
});

const parsedSince = (mark: number): Record<string, unknown>[] =>
  output.linesSince(mark).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
const metricSince = (mark: number, name: string): Record<string, unknown>[] => parsedSince(mark).filter((line) => name in line);

/** With Date (only) `aheadMs` in the future: the order's first check and refresh interval have passed. */
const later = async <T>(aheadMs: number, run: () => Promise<T>): Promise<T> => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + aheadMs });
  try {
    return await run();
  } finally {
    vi.useRealTimers();
  }
};

const refresh = async (hash: string) => {
  const event = httpEvent({ routeKey: 'GET /v1/payments/skippay/{order_token}', headers: {} });
  event.pathParameters = { order_token: hash };
  event.queryStringParameters = { refresh: 'true' };
  event.rawQueryString = 'refresh=true';
  const started = performance.now();
  const result = await getStatusHandler(event, lambdaContext(LAMBDA_TIMEOUT_MS));
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null'), elapsed: performance.now() - started };
};

const scheduledEvent = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} } as unknown as ScheduledEvent;
const reconcile = (aheadMs: number) => later(aheadMs, () => reconcileHandler(scheduledEvent, lambdaContext(60_000)));

/** Calls that write (or claim) the item `id`. */
const writesOf = (id: string) => (call: DynamoCall) => ['PutItemCommand', 'UpdateItemCommand'].includes(call.operation) && itemIdOf(call) === id;

type EventBridgeFault = 'answers 500' | DynamoFault;
const breakEventBridge = (fault: EventBridgeFault): void => {
  if (fault === 'answers 500') world.bus.failNext(1_000);
  else {
    setEnvironment({ AWS_ENDPOINT_URL_EVENTBRIDGE: fault === 'hung' ? dead.hung : dead.refused });
    resetEventBridgeClient();
  }
};

describe('GET /v1/payments/skippay/{order_token}?refresh=true, SkipPay says paid, our dependencies fail midway', () => {
  const tableCases: { name: string; fault: DynamoFault; at: 'claim' | 'attempt write' | 'order write'; status: number; code: string }[] = [
    { name: 'table hung at the refresh claim', fault: 'hung', at: 'claim', status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
    { name: 'table refused at the refresh claim', fault: 'refused', at: 'claim', status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
    { name: 'table hung writing the pulled result to the attempt', fault: 'hung', at: 'attempt write', status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
    { name: 'table refused writing the pulled result to the order', fault: 'refused', at: 'order write', status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
    { name: 'table hung writing the pulled result to the order', fault: 'hung', at: 'order write', status: 503, code: 'DEPENDENCY_UNAVAILABLE' },
  ];
  it.each(tableCases)('$name → $status $code, counted; the payment is not lost: the next pull records it', async ({ fault, at, status, code }) => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    const order = (await orderOf('skippay', hash))!;
    const attemptId = `attempt#skippay#${hash}`;
    faults.set((call) => {
      if (at === 'claim') return writesOf(String(order.id))(call) && call.operation === 'UpdateItemCommand' ? fault : undefined;
      if (at === 'attempt write') return writesOf(attemptId)(call) ? fault : undefined;
      return writesOf(String(order.id))(call) && call.operation === 'PutItemCommand' ? fault : undefined;
    });
    const mark = output.mark();
    const answer = await refresh(hash);
    faults.set(undefined);
    expect(answer).toMatchObject({ status, body: { error: { code } } });
    expect(answer.elapsed).toBeLessThan(DEPENDENCY_BUDGETS.dynamodb.callTimeoutMs + 1_500);
    expect(metricSince(mark, 'DependencyUnavailable')).toContainEqual(expect.objectContaining({ dependency: 'dynamodb', DependencyUnavailable: 1 }));
    expect(faults.faulted.length).toBeGreaterThan(0);

    // The table is back. Whatever was half-written, a later pull (refresh after its interval, or the sweep)
    // brings the order to paid, with one event.
    const again = await later(REFRESH_INTERVAL_MS + 1_000, () => refresh(hash));
    expect(again.status).toBe(200);
    if (again.body.status !== 'paid') await reconcile(FIRST_CHECK_AFTER_MS + 60 * 60_000);
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    expect(eventsAbout(hash)).toHaveLength(1);
  });

  const busCases: { name: string; fault: EventBridgeFault; withinMs: number }[] = [
    { name: 'EventBridge answering 500', fault: 'answers 500', withinMs: DEPENDENCY_BUDGETS.eventbridge.callTimeoutMs + 1_500 },
    { name: 'EventBridge refusing connections', fault: 'refused', withinMs: DEPENDENCY_BUDGETS.eventbridge.callTimeoutMs + 1_500 },
    { name: 'EventBridge hung', fault: 'hung', withinMs: DEPENDENCY_BUDGETS.eventbridge.callTimeoutMs + 1_500 },
  ];
  it.each(busCases)('$name → 200 paid: state saved first, EventPublishFailed counted', async ({ fault, withinMs }) => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    breakEventBridge(fault);
    const mark = output.mark();
    const answer = await refresh(hash);
    expect(answer).toMatchObject({ status: 200, body: { status: 'paid', paid: true } });
    expect(answer.elapsed).toBeLessThan(withinMs);
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    expect(metricSince(mark, 'EventPublishFailed')).toEqual([expect.objectContaining({ provider: 'skippay', EventPublishFailed: 1 })]);
    expect(eventsAbout(hash)).toHaveLength(0);
  });
});

describe('POST /v1/webhooks/skippay with EventBridge failing', () => {
  const cases: { name: string; fault: EventBridgeFault }[] = [
    { name: 'EventBridge answering 500', fault: 'answers 500' },
    { name: 'EventBridge refusing connections', fault: 'refused' },
    { name: 'EventBridge hung', fault: 'hung' },
  ];
  it.each(cases)('$name → 200 received, the order paid, EventPublishFailed counted', async ({ fault }) => {
    const hash = await createSkipPayOrder();
    breakEventBridge(fault);
    const raw = JSON.stringify({ id: `evt_bus_${hash}`, type: 'order.paid', data: { hash, status: 'paid', total_amount: '50000' } });
    const signature = createHmac('sha256', SANDBOX_SKIP_SECRET.SKIPPAY_WEBHOOK_SECRET).update(raw).digest('hex');
    const mark = output.mark();
    const started = performance.now();
    const result = await webhookHandler(
      httpEvent({ routeKey: 'POST /v1/webhooks/skippay', rawBody: raw, headers: { 'x-gokeipay-signature': `sha256=${signature}` }, claims: null }),
      lambdaContext(LAMBDA_TIMEOUT_MS),
    );
    expect({ status: result.statusCode, body: JSON.parse(result.body ?? 'null') }).toEqual({ status: 200, body: { received: true } });
    expect(performance.now() - started).toBeLessThan(DEPENDENCY_BUDGETS.eventbridge.callTimeoutMs + 1_500);
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    expect(metricSince(mark, 'EventPublishFailed')).toEqual([expect.objectContaining({ provider: 'skippay', EventPublishFailed: 1 })]);
  });
});

describe('reconcile-payments with the table failing mid-run', () => {
  const isDueQuery = (provider: 'etpay' | 'skippay', page: 'first' | 'later') => (call: DynamoCall) =>
    call.operation === 'QueryCommand' &&
    call.input.IndexName === DUE_ATTEMPTS_INDEX.name &&
    stringOf((call.input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':shard']) === `due#${provider}` &&
    (page === 'later') === (call.input.ExclusiveStartKey !== undefined);

  const cases: { name: string; fault: DynamoFault }[] = [
    { name: 'ETpay\'s second page of due attempts hung', fault: 'hung' },
    { name: 'ETpay\'s second page of due attempts refused', fault: 'refused' },
  ];
  it.each(cases)('$name → no crash, the first page stays counted, the failure counted, SkipPay still checked', async ({ fault }) => {
    const sessions = [];
    for (let index = 0; index <= PAGE_SIZE; index += 1) sessions.push(await openEtpaySession());
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    faults.set((call) => (isDueQuery('etpay', 'later')(call) ? fault : undefined));
    const mark = output.mark();
    const summary = await reconcile(FIRST_CHECK_AFTER_MS + 1_000);
    faults.set(undefined);
    expect(faults.faulted.some(isDueQuery('etpay', 'later'))).toBe(true);
    expect(summary.etpay).toMatchObject({ checked: PAGE_SIZE, failed: 1 });
    expect(summary.skippay).toMatchObject({ changed: 1, failed: 0 });
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    const failed = metricSince(mark, 'ReconcileFailed').find((line) => line.provider === 'etpay');
    expect(failed).toMatchObject({ ReconcileFailed: 1, ReconcileChecked: PAGE_SIZE });
    expect(metricSince(mark, 'DependencyUnavailable')).toContainEqual(expect.objectContaining({ dependency: 'dynamodb' }));
    // What the failed page held is still due: the next run checks it.
    const unchecked = await Promise.all(sessions.map(({ token }) => attemptOf('etpay', token)));
    const left = unchecked.filter((attempt) => attempt?.due_checks === 0);
    expect(left.length).toBeGreaterThanOrEqual(1);
    for (const attempt of left) expect(attempt).toMatchObject({ status: 'pending', due_shard: 'due#etpay' });
  });

  it('one attempt\'s state write refused → that attempt counted failed and still due; the rest recorded', async () => {
    const good = await createSkipPayOrder();
    const bad = await createSkipPayOrder();
    for (const hash of [good, bad]) world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    faults.set((call) => (writesOf(`attempt#skippay#${bad}`)(call) ? 'refused' : undefined));
    const summary = await reconcile(FIRST_CHECK_AFTER_MS + 1_000);
    faults.set(undefined);
    expect(summary.skippay.failed).toBeGreaterThanOrEqual(1);
    expect(await orderOf('skippay', good)).toMatchObject({ status: 'paid' });
    expect(await orderOf('skippay', bad)).toMatchObject({ status: 'pending' });
    expect(await attemptOf('skippay', bad)).toMatchObject({ status: 'pending', due_shard: 'due#skippay' });
    // The next run, the table back, records it.
    await reconcile(FIRST_CHECK_AFTER_MS + 60 * 60_000);
    expect(await orderOf('skippay', bad)).toMatchObject({ status: 'paid' });
  });

  it('EventBridge failing during the run → the order paid, ReconcileChanged and EventPublishFailed counted', async () => {
    const hash = await createSkipPayOrder();
    world.sandbox.control.settle({ provider: 'skippay', order_token: hash }, 'paid');
    breakEventBridge('answers 500');
    const mark = output.mark();
    const summary = await reconcile(FIRST_CHECK_AFTER_MS + 1_000);
    expect(summary.skippay).toMatchObject({ changed: 1, failed: 0 });
    expect(await orderOf('skippay', hash)).toMatchObject({ status: 'paid' });
    expect(metricSince(mark, 'EventPublishFailed')).toEqual([expect.objectContaining({ provider: 'skippay', EventPublishFailed: 1 })]);
  });
});

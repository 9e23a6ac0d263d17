// What each function is asked in the benchmark: realistic, valid requests, the state the payments table
// holds for them, and the answer its provider gives when the benchmark answers in-process (pure overhead).
// A function without an entry here, or without a bare baseline in bare/<name>.ts, is reported as n/a, and so
// is a scheduled one (NOT_MEASURED).
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { SANDBOX_SKIP_SECRET, signSkipPayWebhook, type Sandbox } from '../../local/sandbox/index.ts';
import type { TableAction } from '../../shared/catalog.ts';
import { itemId, ownerKey, RETENTION_SECONDS } from '../../shared/state/keys.ts';
import { signResult } from '../support/etpay-jwt.ts';
import { CLINIC_A, ownerOfClaims } from '../support/lambda.ts';

/** One request, as run.ts turns it into API Gateway's event (test/support/lambda.ts). */
export interface Request {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent exactly as given (what a signature covers), instead of `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** API Gateway's `METHOD /path` of the route; `POST /` if not given. */
  routeKey?: string;
  pathParameters?: Record<string, string>;
  /** API Gateway's `queryStringParameters` (and the raw query string built from them). */
  query?: Record<string, string>;
}

export interface Workload extends Request {
  /** Shown after the function's name when it has more than one workload. */
  label?: string;
  /** A header made unique per call (`<value>-<pid>-<n>`), e.g. an Idempotency-Key that must not replay. */
  uniqueHeader?: string;
  /**
   * For a request that must differ per call in a signed part (a webhook's event id, a payment_token): its
   * parts built for `unique`, a string never given twice in a run, merged over the fixed ones. run.ts builds
   * one per call of every warm process and one per cold or in-process one (whose DynamoDB answers are canned).
   */
  perCall?: (unique: string) => Request | Promise<Request>;
  /** The status the route answers a valid request with. */
  status: number;
  /** What the provider answers, for the in-process run (fetch replaced); none for a route without a provider. */
  provider?: (sandbox: Sandbox) => { status: number; body: unknown };
  /** Items the payments table holds before the function runs (e.g. the session a result names), as DynamoDB stores them. */
  items?: Record<string, AttributeValue>[];
  /** The in-process run's DynamoDB answer per operation, where `{}` is not the valid one (e.g. GetItem's item, a Query's page). */
  dynamo?: Partial<Record<TableAction | 'Query', unknown>>;
}

const patient = {
  rut: '12.345.678-5',
  first_name: 'Ana María',
  last_name: 'Pérez Cotapos',
  email: 'ana.perez@example.cl',
  phone_number: '+56 9 1234 5678',
};

const order = {
  body: { reference: 'OC-2024-000123', total_amount: 50_000, provider_rut: '76.086.428-5', customer: patient },
  status: 201,
  provider: () => ({ status: 201, body: { hash: 'ord_benchBenchBench123', reference: 'OC-2024-000123', status: 'pending', total_amount: '50000' } }),
};

// The ETpay session create-etpay-session records (an attempt: shared/state/orders.ts), and the results that name it.
const ORDER_ID = 'OC-2024-000123';
const ORDER_AMOUNT = 50_000;
const SESSION_TOKEN = 'benchSessionToken0123456789';
/** Like the sandbox's: 32 bytes in hex, used as the UTF-8 key of the results' HS256. */
const SIGNATURE_TOKEN = createHash('sha256').update('bench etpay session').digest('hex');
const nowSeconds = Math.floor(Date.now() / 1000);
const minuteAgo = new Date(Date.now() - 60_000).toISOString();

// The bench's events carry the test clinic's verified claims (test/support/lambda.ts httpEvent).
const BENCH_OWNER = ownerOfClaims(CLINIC_A);
const etpaySession: Record<string, AttributeValue> = {
  id: { S: itemId.attempt('etpay', SESSION_TOKEN) },
  provider: { S: 'etpay' },
  provider_id: { S: SESSION_TOKEN },
  owner: { S: BENCH_OWNER },
  order: { S: itemId.order(BENCH_OWNER, 'etpay', ORDER_ID) },
  order_id: { S: ORDER_ID },
  amount: { N: String(ORDER_AMOUNT) },
  status: { S: 'pending' },
  signature_token: { S: SIGNATURE_TOKEN },
  created_at: { S: minuteAgo },
  updated_at: { S: minuteAgo },
  version: { N: '1' },
  expiration: { N: String(nowSeconds + RETENTION_SECONDS.etpayAttempt) },
};

/**
 * In-process runs answer every GetItem alike (test/bench/in-process-http.ts), so the one item answered must
 * read both as the session's attempt and as its order (an order also counts its `attempts`).
 */
const sessionAndOrder: Record<string, AttributeValue> = { ...etpaySession, attempts: { N: '1' } };

/** A paid result, signed as ETpay (and local/sandbox/etpay.ts) signs it: a payment_token of its own per call. */
const etpayResult = (unique: string): Promise<string> =>
  signResult(
    { session_token: SESSION_TOKEN, merchant_order_id: ORDER_ID, order_amount: ORDER_AMOUNT, payment_status: 'success', payment_token: `pt_bench_${unique}` },
    SIGNATURE_TOKEN,
  );

/** The order a paid ETpay result leaves (shared/state/orders.ts), which GET /v1/payments/etpay/{id} answers with. */
const etpayOrderState: Record<string, AttributeValue> = {
  id: { S: itemId.order(BENCH_OWNER, 'etpay', ORDER_ID) },
  owner: { S: BENCH_OWNER },
  provider: { S: 'etpay' },
  order_id: { S: ORDER_ID },
  amount: { N: String(ORDER_AMOUNT) },
  status: { S: 'paid' },
  provider_status: { S: 'success' },
  attempts: { N: '1' },
  version: { N: '2' },
  created_at: { S: minuteAgo },
  updated_at: { S: minuteAgo },
  expiration: { N: String(nowSeconds + RETENTION_SECONDS.paymentRecords) },
};

/** The SkipPay order create-order records for the bench's owner: the one a widget session may name. */
const SKIPPAY_ORDER_TOKEN = 'ord_benchBenchBench123';
const skippayOrderState: Record<string, AttributeValue> = {
  id: { S: itemId.order(BENCH_OWNER, 'skippay', SKIPPAY_ORDER_TOKEN) },
  owner: { S: BENCH_OWNER },
  provider: { S: 'skippay' },
  order_id: { S: SKIPPAY_ORDER_TOKEN },
  amount: { N: String(ORDER_AMOUNT) },
  status: { S: 'pending' },
  provider_status: { S: 'pending' },
  attempts: { N: '1' },
  latest_attempt: { S: SKIPPAY_ORDER_TOKEN },
  version: { N: '2' },
  created_at: { S: minuteAgo },
  updated_at: { S: minuteAgo },
  expiration: { N: String(nowSeconds + RETENTION_SECONDS.paymentRecords) },
};

/**
 * A clinic's day of orders for GET /v1/payments: 25 orders of the bench's owner (both providers, each
 * status), created one minute apart inside a fixed window two days ago, so that no order another workload
 * writes (created now) falls in the listed range and the page is the same whichever functions ran before.
 */
const LIST_FROM = new Date(Math.floor((Date.now() - 2 * 86_400_000) / 86_400_000) * 86_400_000);
const listedOrders: Record<string, AttributeValue>[] = Array.from({ length: 25 }, (_, i) => {
  const provider = i % 3 === 0 ? 'skippay' : 'etpay';
  const orderId = provider === 'skippay' ? `ord_benchList${String(i).padStart(4, '0')}` : `OC-2024-LIST-${String(i).padStart(4, '0')}`;
  const status = (['paid', 'pending', 'failed', 'needs_review'] as const)[i % 4] ?? 'paid';
  const created = new Date(LIST_FROM.getTime() + 3_600_000 + i * 60_000).toISOString();
  return {
    id: { S: itemId.order(BENCH_OWNER, provider, orderId) },
    owner: { S: BENCH_OWNER },
    owner_key: { S: ownerKey(BENCH_OWNER) },
    provider: { S: provider },
    order_id: { S: orderId },
    amount: { N: String(10_000 + i * 1_000) },
    status: { S: status },
    ...(status === 'pending' ? {} : { provider_status: { S: status === 'paid' ? 'success' : 'error' } }),
    attempts: { N: '1' },
    latest_attempt: { S: `bench_attempt_${i}` },
    version: { N: '2' },
    created_at: { S: created },
    updated_at: { S: created },
    expiration: { N: String(nowSeconds + RETENTION_SECONDS.paymentRecords) },
  };
});

/**
 * Deployable functions the benchmark does not measure, and why: no caller waits on them. reconcile-payments runs
 * on a 5-minute schedule, one invocation pulls a batch of providers, and its cold start (about one in a few
 * invocations after idle periods) delays nobody's request.
 */
export const NOT_MEASURED: Record<string, string> = {
  'reconcile-payments': 'scheduled sweep, serves no request: no caller waits on its cold start',
};

export const WORKLOADS: Record<string, Workload[]> = {
  'create-order': [
    order,
    // The header a careful frontend sends: two conditional writes to the payments table around the call.
    { ...order, label: 'Idempotency-Key', headers: { 'idempotency-key': 'bench-key' }, uniqueHeader: 'idempotency-key' },
  ],
  // One GetItem first: the order_token must name one of the caller's own orders.
  'create-widget-session': [{
    body: { order_token: SKIPPAY_ORDER_TOKEN, patient },
    status: 201,
    items: [skippayOrderState],
    dynamo: { GetItem: { Item: skippayOrderState } },
    provider: (sandbox) => ({
      status: 201,
      body: { widget_token: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c', url: `${sandbox.spotWidgetUrl}/?widget_token=3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c&public_key=pk_test_sandbox` },
    }),
  }],
  'create-etpay-session': [{
    body: {
      merchant_order_id: 'OC-2024-000123',
      order_amount: 50_000,
      customer_email: 'ana.perez@example.cl',
      user_rut: '12.345.678-5',
      payment_completed_url: 'http://127.0.0.1:3000/pago/ok',
      payment_cancellation_url: 'http://127.0.0.1:3000/pago/cancelado',
    },
    status: 201,
    provider: (sandbox) => ({
      status: 200,
      body: { token: 'benchSessionToken0123456789', signature_token: 'a'.repeat(64), terms_url: `${sandbox.origin}/etpay/terminos.pdf` },
    }),
  }],
  // The payer's browser back from ETpay: one GetItem (the session), the HS256 check, the payment recorded
  // once (a conditional put) and the order's state (a put).
  'confirm-etpay-payment': [{
    routeKey: 'POST /v1/etpay/confirmations',
    perCall: async (unique) => ({ body: { jwt: await etpayResult(unique) } }),
    status: 200,
    items: [etpaySession],
    dynamo: { GetItem: { Item: sessionAndOrder } },
  }],
  // ETpay's own notification of the same kind of result, as the sandbox delivers it.
  'receive-etpay-notification': [{
    routeKey: 'POST /v1/etpay/notifications',
    headers: { 'user-agent': 'clinic-payments-sandbox' },
    perCall: async (unique) => ({ body: { payment: await etpayResult(unique) } }),
    status: 200,
    items: [etpaySession],
    dynamo: { GetItem: { Item: sessionAndOrder } },
  }],
  // SkipPay's order.paid, as the sandbox sends it (local/sandbox/spot.ts): a new event id per call, so each
  // is a first delivery (the event stored once, then the order's state), signed over its exact bytes.
  'receive-skippay-webhook': [{
    routeKey: 'POST /v1/webhooks/skippay',
    headers: { 'user-agent': 'clinic-payments-sandbox' },
    perCall: (unique) => {
      const rawBody = JSON.stringify({
        id: `evt_bench_${unique}`,
        type: 'order.paid',
        created_at: new Date().toISOString(),
        data: { hash: 'ord_benchBenchBench123', status: 'paid', reference: ORDER_ID, total_amount: '50000' },
      });
      return { rawBody, headers: { 'x-gokeipay-signature': signSkipPayWebhook(rawBody, SANDBOX_SKIP_SECRET.SKIPPAY_WEBHOOK_SECRET) } };
    },
    status: 200,
  }],
  // A clinic frontend polling the order it sent to ETpay: one consistent GetItem.
  'get-payment-status': [{
    routeKey: 'GET /v1/payments/etpay/{merchant_order_id}',
    pathParameters: { merchant_order_id: ORDER_ID },
    status: 200,
    items: [etpayOrderState],
    dynamo: { GetItem: { Item: etpayOrderState } },
  }],
  // The clinic's daily reconciliation: one page of a day's orders (one Query of the orders-by-owner index).
  'list-payments': [{
    routeKey: 'GET /v1/payments',
    query: { from: LIST_FROM.toISOString(), to: new Date(LIST_FROM.getTime() + 86_400_000).toISOString() },
    status: 200,
    items: listedOrders,
    // Newest first, as the index answers ScanIndexForward: false.
    dynamo: { Query: { Items: [...listedOrders].reverse(), Count: listedOrders.length, ScannedCount: listedOrders.length } },
  }],
};

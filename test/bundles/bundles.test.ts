// The deployable bundles, as Lambda would load them: a plain Node process imports each
// dist/functions/<name>/index.mjs (which imports its chunks from the same folder) and calls `handler`, with
// Secrets Manager, DynamoDB and the providers on loopback.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunction, buildFunctions } from '../../infra/build.ts';
import { FUNCTIONS, ROUTE_FUNCTION_NAMES, type FunctionSpec } from '#shared/catalog.ts';
import { SANDBOX_SKIP_SECRET, signSkipPayWebhook } from '../../local/sandbox/index.ts';
import { closeStandIns, localStageEnvironment, startStandIns, type StandIns } from '../../local/stage.ts';
import { signResult } from '../support/etpay-jwt.ts';
import { samplePatient } from '../support/fixtures.ts';
import { httpEvent, type EventOptions } from '../support/lambda.ts';

const run = promisify(execFile);
let outdir: string;
let sizes: Record<string, number>;
// The local stage's stand-ins: provider sandbox, Secrets Manager, and dynalite as the payments table.
let standIns: StandIns;
const API_ORIGIN = 'http://127.0.0.1:3000';

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'bundles-'));
  sizes = await buildFunctions(outdir);
  standIns = await startStandIns('127.0.0.1');
}, 120_000);
afterAll(async () => {
  await closeStandIns(standIns);
  rmSync(outdir, { recursive: true, force: true });
});

/** Imports the bundle in a fresh process, calls it once, prints the result and every file the loader read. */
const CHILD = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load: (url, context, next) => { if (url.startsWith('file:')) loaded.push(url); return next(url, context); } });
const { handler } = await import(process.env.BUNDLE);
const context = { awsRequestId: 'smoke', getRemainingTimeInMillis: () => 20000 };
const result = await handler(JSON.parse(process.env.EVENT), context);
process.stdout.write('\\n@@' + JSON.stringify({ result, loaded: loaded.map((url) => url.slice(url.lastIndexOf('/') + 1)) }) + '\\n');
`;

interface Invocation {
  result: { statusCode: number; body: string; headers: Record<string, string> };
  /** File names (entry and chunks) the process loaded. */
  loaded: string[];
}

type InvokeOptions = Omit<EventOptions, 'body'> & {
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** A whole event instead of an HTTP API one (reconcile-payments takes the scheduled event). */
  event?: Record<string, unknown>;
};

const invokeBundle = async (name: string, body: unknown, options: InvokeOptions = {}): Promise<Invocation> => {
  const { pathParameters, query, event: given, ...eventOptions } = options;
  const http = httpEvent({ ...(options.rawBody === undefined ? { body } : {}), ...eventOptions });
  if (pathParameters) http.pathParameters = pathParameters;
  if (query) http.queryStringParameters = query;
  if (http.body === undefined) delete http.headers['content-type'];
  const event = given ?? http;
  const env = {
    PATH: process.env.PATH,
    BUNDLE: join(outdir, name, 'index.mjs'),
    EVENT: JSON.stringify(event),
    // Exactly what `npm start` gives the functions (local/stage.ts).
    ...localStageEnvironment(standIns, API_ORIGIN, [API_ORIGIN]),
  };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD], { env, timeout: 30_000 });
  const line = stdout.split('\n').find((l) => l.startsWith('@@')) ?? '@@{}';
  return JSON.parse(line.slice(2)) as Invocation;
};

const patient = samplePatient;

describe('deployable bundles', () => {
  it('are small, minified ESM, one folder per function', () => {
    for (const [name, bytes] of Object.entries(sizes)) {
      expect(bytes, name).toBeGreaterThan(10_000);
      expect(bytes, name).toBeLessThan(1_000_000);
    }
    expect(Object.keys(sizes)).toEqual(expect.arrayContaining(['create-order', 'create-widget-session', 'create-etpay-session', 'list-payments']));
  });

  // Every clinic route, from the catalog (a previous list by hand had left create-widget-session out), and
  // every way the claims can fail to name an owner: no authorizer at all, or claims without an issuer or
  // without client_id/azp/sub (a misconfigured authorizer or IdP must not yield an anonymous owner).
  const clinicFunctions = ROUTE_FUNCTION_NAMES.filter((name) => (FUNCTIONS[name] as FunctionSpec).public !== true);
  const ownerless: { name: string; claims: Record<string, unknown> | null }[] = [
    { name: 'no verified claims (no authorizer ran)', claims: null },
    { name: 'claims without client_id, azp or sub', claims: { iss: 'https://issuer.test', scope: 'clinic-payments/payments.write clinic-payments/payments.read', token_use: 'access' } },
    { name: 'claims without an issuer', claims: { client_id: 'clinic-a', sub: 'clinic-a', scope: 'clinic-payments/payments.write clinic-payments/payments.read' } },
    { name: 'empty client_id and sub', claims: { iss: 'https://issuer.test', client_id: '', sub: '' } },
  ];
  it('covers every clinic route of the catalog', () => {
    expect(clinicFunctions).toEqual(expect.arrayContaining(['create-order', 'create-widget-session', 'create-etpay-session', 'confirm-etpay-payment', 'get-payment-status', 'list-payments']));
  });
  it.each(clinicFunctions.flatMap((name) => ownerless.map((variant) => ({ fn: name, ...variant }))))(
    '$fn with $name → 401 UNAUTHORIZED from the bundle itself',
    async ({ fn, claims }) => {
      const route = FUNCTIONS[fn].routes[0];
      const { result } = await invokeBundle(fn, { merchant_order_id: 'OC-1', order_amount: 50000 }, { claims, ...(route ? { routeKey: `${route.method} ${route.path}` } : {}) });
      expect(result.statusCode).toBe(401);
      expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    },
  );

  it('list-payments queries the index of the local table', async () => {
    const { result } = await invokeBundle('list-payments', undefined, { routeKey: 'GET /v1/payments', query: { limit: '5' } });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ payments: expect.any(Array) });
  });

  it('create-order creates an order through the local Secrets Manager and SkipPay stand-ins', async () => {
    const { result } = await invokeBundle('create-order', { total_amount: 50000, customer: patient });
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body)).toMatchObject({ order_token: expect.stringMatching(/^ord_/) });
    expect(result.headers['x-request-id']).toBeTruthy();
  });

  it('create-widget-session mints a widget URL on the sandbox widget origin for an order the caller created', async () => {
    const order = await invokeBundle('create-order', { total_amount: 50000, customer: patient });
    const { order_token: orderToken } = JSON.parse(order.result.body) as { order_token: string };
    const { result } = await invokeBundle('create-widget-session', { order_token: orderToken, patient });
    expect(result.statusCode).toBe(201);
    const body = JSON.parse(result.body) as { iframe_url: string; widget_origin: string };
    expect(new URL(body.iframe_url).origin).toBe(new URL(standIns.sandbox.spotWidgetUrl).origin);
    expect(new URL(body.iframe_url).searchParams.get('order_token')).toBe(orderToken);
  });

  it('create-widget-session reads the payments table: an order token never created → 404 NOT_FOUND', async () => {
    const { result } = await invokeBundle('create-widget-session', { order_token: 'ord_neverCreatedHere', patient });
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('create-widget-session bundles the DynamoDB client, and neither the event publisher nor the idempotency layer', async () => {
    // Rebuilt in place (same output) for its metafile: every source any of its files holds.
    const { metafile } = await buildFunction('functions/create-widget-session/handler.ts', join(outdir, 'create-widget-session'));
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((input) => input.includes('@aws-sdk/lib-dynamodb'))).toBe(true);
    for (const unwanted of ['@aws-sdk/client-eventbridge', '@aws-lambda-powertools/idempotency', 'shared/events/', 'shared/state/idempotency']) {
      expect(inputs.filter((input) => input.includes(unwanted)), unwanted).toEqual([]);
    }
  });

  it('create-etpay-session opens a session and returns no signature_token', async () => {
    const { result } = await invokeBundle('create-etpay-session', { merchant_order_id: 'OC-1', order_amount: 50000 });
    expect(result.statusCode).toBe(201);
    expect(result.body).not.toContain('signature_token');
    expect(JSON.parse(result.body)).toMatchObject({ merchant_order_id: 'OC-1', payment_url: expect.stringContaining('/session/') });
  });

  it('confirm-etpay-payment looks the session up in DynamoDB and refuses an unknown one (jose bundled)', async () => {
    const jwt = await signResult({ session_token: 'never-opened', payment_status: 'success' }, 'some-signature-token');
    const { result } = await invokeBundle('confirm-etpay-payment', { jwt });
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
  });

  it('create-order loads Powertools Idempotency (its own chunk) only for a request with an Idempotency-Key', async () => {
    // Rebuilt in place (same output) for its metafile: which chunks hold Powertools.
    const { metafile } = await buildFunction('functions/create-order/handler.ts', join(outdir, 'create-order'));
    const powertools = Object.entries(metafile.outputs)
      .filter(([, output]) => Object.keys(output.inputs).some((input) => input.includes('@aws-lambda-powertools/idempotency')))
      .map(([file]) => basename(file));
    expect(powertools).toHaveLength(1);
    expect(powertools[0]).toMatch(/^chunk-.*\.mjs$/);

    const order = { total_amount: 50000, customer: patient };
    const plain = await invokeBundle('create-order', order);
    expect(plain.result.statusCode).toBe(201);
    expect(plain.loaded).toContain('index.mjs');
    expect(plain.loaded).not.toContain(powertools[0]);

    const keyed = await invokeBundle('create-order', order, { headers: { 'idempotency-key': `bundle-test-${Date.now()}` } });
    expect(keyed.result.statusCode).toBe(201);
    expect(keyed.loaded).toContain(powertools[0]);
  });

  it('receive-etpay-notification refuses a result for a session it never opened (jose and DynamoDB bundled)', async () => {
    const payment = await signResult({ session_token: 'never-opened', payment_status: 'success', payment_token: 'pt_1' }, 'some-signature-token');
    const { result } = await invokeBundle('receive-etpay-notification', { payment }, { routeKey: 'POST /v1/etpay/notifications' });
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
  });

  it('receive-skippay-webhook acknowledges a signed order.paid and records it', async () => {
    const rawBody = JSON.stringify({ id: `evt_bundle_${Date.now()}`, type: 'order.paid', created_at: new Date().toISOString(), data: { hash: 'ord_bundle1', status: 'paid', reference: 'OC-BUNDLE-1', total_amount: '50000' } });
    const headers = { 'x-gokeipay-signature': signSkipPayWebhook(rawBody, SANDBOX_SKIP_SECRET.SKIPPAY_WEBHOOK_SECRET) };
    const { result } = await invokeBundle('receive-skippay-webhook', undefined, { rawBody, headers, routeKey: 'POST /v1/webhooks/skippay' });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ received: true });
  });

  it('get-payment-status reads the payments table: an order never seen → 404 NOT_FOUND', async () => {
    const { result } = await invokeBundle('get-payment-status', undefined, {
      routeKey: 'GET /v1/payments/etpay/{merchant_order_id}',
      pathParameters: { merchant_order_id: 'OC-NEVER-SEEN' },
    });
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('reconcile-payments takes the scheduled event and sweeps both providers through the due-attempts index', async () => {
    const scheduled = { version: '0', id: 'x', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '0', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {} };
    const { result } = await invokeBundle('reconcile-payments', undefined, { event: scheduled });
    const summary = result as unknown as Record<'etpay' | 'skippay', { checked: number; failed: number }>;
    expect(summary.etpay).toMatchObject({ failed: 0 });
    expect(summary.skippay).toMatchObject({ failed: 0 });
  });
});

// `npm start`'s local-only paths for the demo page, on the API's own origin: the events the EventBridge
// stand-in received (published through the real events module, as the functions will), and the sandbox
// control that settles a payment at the provider without notifying, and one reconcile-payments run. The
// API is called through the demo clinic server (/demo-clinic/v1/…), which holds clinic A's credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPaymentStatusChanged } from '#shared/events/payment-events.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { setEnvironment } from '../support/env.ts';
import { samplePatient } from '../support/fixtures.ts';

let server: LocalServer;
let restoreEnvironment: () => void;
beforeAll(async () => {
  // The functions' JSON logs and EMF metrics are for the console of `npm start`, not for test output.
  restoreEnvironment = setEnvironment({ POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  server = await startLocalServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
  restoreEnvironment();
});

const post = (path: string, body?: unknown) =>
  fetch(`${server.origin}${path}`, {
    method: 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

/** Clinic routes need a token since issue 17: through the demo clinic server, as the demo page calls them. */
const clinicPost = (path: string, body: unknown) => post(`/demo-clinic${path}`, body);

describe('GET /__events', () => {
  it('lists what the functions put on the local bus, newest first', async () => {
    expect(await (await fetch(`${server.origin}/__events`)).json()).toEqual({ events: [] });
    const base = { provider: 'etpay', owner: 'local#clinica-demo-a', status: 'pending', paid: false, amount: 50000, updated_at: new Date().toISOString() } as const;
    expect((await publishPaymentStatusChanged({ ...base, id: 'OC-1' })).published).toBe(true);
    expect((await publishPaymentStatusChanged({ ...base, id: 'OC-2', status: 'paid', paid: true })).published).toBe(true);
    const res = await fetch(`${server.origin}/__events`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { events } = (await res.json()) as { events: { source: string; 'detail-type': string; 'event-bus-name': string; detail: { id: string } }[] };
    expect(events.map((event) => event.detail.id)).toEqual(['OC-2', 'OC-1']);
    expect(events[0]).toMatchObject({ source: 'clinic-payments', 'detail-type': 'Payment Status Changed', 'event-bus-name': 'clinic-payments-local' });
  });

  it('is read-only', async () => {
    expect((await post('/__events', {})).status).toBe(405);
  });
});

describe('POST /__sandbox/…', () => {
  it('settles an ETpay session opened through the API, with no notification to the API', async () => {
    const created = await clinicPost('/v1/etpay/sessions', { merchant_order_id: 'OC-DEV-1', order_amount: 50000 });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const webhooks = server.standIns.sandbox.webhooks.length;
    const settled = await post(`/__sandbox/etpay/sessions/${token}/paid`);
    expect(settled.status).toBe(200);
    expect(await settled.json()).toEqual({ provider: 'etpay', id: token, status: 'success', amount: 50000, notified: false });
    expect(server.standIns.sandbox.webhooks).toHaveLength(webhooks);
    expect((await post(`/__sandbox/etpay/sessions/${token}/paid`)).status).toBe(409);
  });

  it('settles a SkipPay order created through the API', async () => {
    const created = await clinicPost('/v1/orders', { total_amount: 50000, customer: samplePatient });
    expect(created.status).toBe(201);
    const { order_token: hash } = (await created.json()) as { order_token: string };
    expect((await post(`/__sandbox/skippay/orders/${hash}/paid`, { amount: 50000 })).status).toBe(200);
  });

  const unknown = [
    { name: 'an unknown payment', path: '/__sandbox/etpay/sessions/nope/paid', status: 404 },
    { name: 'an unknown control', path: '/__sandbox/etpay/sessions/x/refund', status: 404 },
  ];
  it.each(unknown)('$name → $status', async ({ path, status }) => {
    expect((await post(path)).status).toBe(status);
  });
});

describe('POST /__reconcile', () => {
  it('runs reconcile-payments once: a SkipPay order paid silently at the sandbox becomes paid, and its event is listed', async () => {
    const created = await post('/demo-clinic/v1/orders', { total_amount: 50000, customer: samplePatient });
    expect(created.status).toBe(201);
    const { order_token: hash } = (await created.json()) as { order_token: string };
    expect((await post(`/__sandbox/skippay/orders/${hash}/paid`)).status).toBe(200);
    const run = await post('/__reconcile');
    expect(run.status).toBe(200);
    expect(((await run.json()) as { summary: { skippay: { changed: number } } }).summary.skippay.changed).toBeGreaterThanOrEqual(1);
    const status = (await (await fetch(`${server.origin}/demo-clinic/v1/payments/skippay/${hash}`)).json()) as { status: string };
    expect(status.status).toBe('paid');
    const { events } = (await (await fetch(`${server.origin}/__events`)).json()) as { events: { detail: { id: string; status: string } }[] };
    expect(events.filter((event) => event.detail.id === hash).map((event) => event.detail.status)).toEqual(['paid']);
  });

  it('only runs on POST', async () => {
    expect((await fetch(`${server.origin}/__reconcile`)).status).toBe(405);
  });
});

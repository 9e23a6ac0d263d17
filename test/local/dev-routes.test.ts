// `npm start`'s local-only paths for the demo page, on the API's own origin: the events the EventBridge
// stand-in received (published through the real events module, as the functions will), and the sandbox
// control that settles a payment at the provider without notifying.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPaymentStatusChanged } from '#shared/events/payment-events.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';

let server: LocalServer;
beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  server = await startLocalServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

const post = (path: string, body?: unknown) =>
  fetch(`${server.origin}${path}`, {
    method: 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

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
    const created = await post('/v1/etpay/sessions', { merchant_order_id: 'OC-DEV-1', order_amount: 50000 });
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
    const customer = { rut: '12.345.678-5', first_name: 'Ana', last_name: 'Pérez', email: 'ana@example.cl', phone_number: '+56 9 1234 5678' };
    const created = await post('/v1/orders', { total_amount: 50000, customer });
    const { order_token: hash } = (await created.json()) as { order_token: string };
    expect((await post(`/__sandbox/skippay/orders/${hash}/paid`, { amount: 50000 })).status).toBe(200);
  });

  it.each([
    ['an unknown payment', '/__sandbox/etpay/sessions/nope/paid', 404],
    ['an unknown control', '/__sandbox/etpay/sessions/x/refund', 404],
  ])('%s → %i', async (_name, path, status) => {
    expect((await post(path)).status).toBe(status);
  });
});

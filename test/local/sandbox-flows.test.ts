// The sandbox's browser-facing flows: the Spot widget page (its script run against a minimal fake DOM),
// SkipPay's signed webhook, and ETpay's payment page, signed result and notification.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Script, runInNewContext } from 'node:vm';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETPAY_RESULT_QUERY_PARAM, SANDBOX_SKIP_SECRET, SPOT_WIDGET_EVENTS, startSandbox } from '../../local/sandbox/index.ts';
import type { Sandbox } from '../../local/sandbox/index.ts';
import { samplePatientCanonical, sampleSkipUserData } from '../support/fixtures.ts';

interface Received { headers: Record<string, string | string[] | undefined>; body: string }

/** A loopback stand-in for our API's notification routes. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

const WEBHOOK_SECRET = SANDBOX_SKIP_SECRET.SKIPPAY_WEBHOOK_SECRET;
let sandbox: Sandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ skippayWebhook: { url: receiver.url, secret: WEBHOOK_SECRET } });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const customer = samplePatientCanonical;

/** Order + widget token, as our backend does; returns the iframe URL the frontend would get. */
async function aapdWidget(withOrder = true): Promise<{ orderToken: string; widgetToken: string; iframeUrl: string }> {
  const order = (await (await postJson(`${sandbox.skippayApiUrl}/orders`, { reference: 'CLINIC-7', total_amount: '45990', customer },
    { authorization: 'Bearer st_test_sandbox' })).json()) as { hash: string };
  const widget = (await (await postJson(`${sandbox.skipBackendUrl}/spot/widget?public_key=pk_test_sandbox`, {
    rut: customer.rut,
    user_data: sampleSkipUserData,
    ...(withOrder ? { order_token: order.hash } : {}),
  })).json()) as { widget_token: string; url: string };
  const iframeUrl = new URL(widget.url);
  if (withOrder) iframeUrl.searchParams.set('order_token', order.hash);
  return { orderToken: order.hash, widgetToken: widget.widget_token, iframeUrl: iframeUrl.href };
}

class FakeElement {
  hidden = false;
  disabled = false;
  textContent = '';
  className = '';
  listeners = new Map<string, (event: { preventDefault(): void }) => void>();
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void {
    this.listeners.set(type, listener);
  }
  appendChild(): void {}
  fire(type: string): void {
    this.listeners.get(type)?.({ preventDefault: () => undefined });
  }
}

/** Runs the page's inline script as a browser would, recording what it posts to its parent. */
function runWidget(html: string, context: { ancestorOrigin?: string; referrer?: string }) {
  const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const data = /<script type="application\/json" id="widget-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const posted: { message: unknown; targetOrigin: string }[] = [];
  const elements = new Map<string, FakeElement>();
  const element = (id: string): FakeElement => {
    let found = elements.get(id);
    if (found === undefined) {
      found = new FakeElement();
      found.hidden = new RegExp(`id="${id}"[^>]*\\bhidden\\b`).test(html);
      if (id === 'widget-data') found.textContent = data;
      elements.set(id, found);
    }
    return found;
  };
  runInNewContext(script, {
    window: {
      parent: { postMessage: (message: unknown, targetOrigin: string) => posted.push({ message, targetOrigin }) },
      location: { ancestorOrigins: context.ancestorOrigin === undefined ? [] : [context.ancestorOrigin] },
    },
    document: { referrer: context.referrer ?? '', getElementById: element, createElement: () => new FakeElement() },
    fetch: (path: string, init: RequestInit) => fetch(new URL(path, sandbox.origin), init),
    setTimeout,
    URL,
  });
  return { posted, element, events: () => posted.map((p) => p.message) };
}

describe('Spot widget page', () => {
  it('serves a self-contained Spanish page that posts every widget event', async () => {
    const { iframeUrl } = await aapdWidget();
    const res = await fetch(iframeUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const html = await res.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('Pago AAPD');
    expect(html).toContain('window.parent.postMessage');
    for (const event of SPOT_WIDGET_EVENTS) expect(html).toContain(`'${event}'`);
    expect(html).not.toMatch(/(src|href)="https?:/);
    const nonce = /<script nonce="([^"]+)">/.exec(html)?.[1];
    expect(res.headers.get('content-security-policy')).toContain(`'nonce-${nonce}'`);
    expect(() => new Script(/<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '')).not.toThrow();
  });

  it('runs the AAPD flow: ready, mount, form success, then a paid order and a signed SkipPay webhook', async () => {
    const { iframeUrl, orderToken } = await aapdWidget();
    const widget = runWidget(await (await fetch(iframeUrl)).text(), { ancestorOrigin: 'https://clinic.example' });
    expect(widget.events()).toEqual(['WIDGET_FORM_READY']);
    await expect.poll(() => widget.events()).toEqual(['WIDGET_FORM_READY', 'WIDGET_FORM_MOUNT']);
    expect(widget.element('widget-form').hidden).toBe(false);
    widget.element('widget-form').fire('submit');
    expect(widget.events().at(-1)).toBe('WIDGET_FORM_SUCCESS');
    expect(widget.element('payment').hidden).toBe(false);

    const before = receiver.received.length;
    widget.element('pay').fire('click');
    await expect.poll(() => widget.events().at(-1)).toBe('WIDGET_PAYMENT_SUCCESS');
    widget.element('close').fire('click');
    expect(widget.events().at(-1)).toBe('WIDGET_FORM_CLOSE');
    expect(new Set(widget.posted.map((p) => p.targetOrigin))).toEqual(new Set(['https://clinic.example']));

    const hook = receiver.received[before];
    expect(hook).toBeDefined();
    const signature = String(hook?.headers['x-gokeipay-signature']);
    const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(hook?.body ?? '').digest('hex')}`;
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
    expect(JSON.parse(hook?.body ?? '')).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'order.paid',
      created_at: expect.any(String),
      data: { hash: orderToken, status: 'paid', reference: 'CLINIC-7', total_amount: '45990' },
    });
  });

  it('runs the standard Spot registration without order_token, targeting the referrer origin', async () => {
    const { iframeUrl } = await aapdWidget(false);
    const html = await (await fetch(iframeUrl)).text();
    expect(html).toContain('Registro estándar Spot');
    const widget = runWidget(html, { referrer: 'http://localhost:5173/checkout?x=1' });
    await expect.poll(() => widget.events().length).toBe(2);
    widget.element('widget-form').fire('submit');
    expect(widget.events()).toEqual(['WIDGET_FORM_READY', 'WIDGET_FORM_MOUNT', 'WIDGET_FORM_SUCCESS']);
    expect(widget.element('payment').hidden).toBe(true);
    expect(widget.element('status').textContent).toContain('Registro completado');
    expect(widget.posted[0]?.targetOrigin).toBe('http://localhost:5173');
    expect(runWidget(html, {}).posted[0]?.targetOrigin).toBe('*');
  });

  it('refuses a simulated payment twice, and with the wrong order', async () => {
    const { widgetToken, orderToken } = await aapdWidget();
    const pay = (order: string) => postJson(`${sandbox.spotWidgetUrl}/_pay`, { widget_token: widgetToken, order_token: order });
    expect((await pay('ord_other')).status).toBe(404);
    const first = await pay(orderToken);
    expect(await first.json()).toEqual({ status: 'paid', webhook: { status: 200, error: null } });
    expect((await pay(orderToken)).status).toBe(409);
  });

  it.each([
    { name: 'an unknown widget_token', change: (url: URL) => url.searchParams.set('widget_token', 'nope'), status: 404 },
    { name: 'a missing public_key', change: (url: URL) => url.searchParams.delete('public_key'), status: 401 },
    { name: 'order_token twice', change: (url: URL) => url.searchParams.append('order_token', 'ord_x'), status: 400 },
    { name: 'another order_token', change: (url: URL) => url.searchParams.set('order_token', 'ord_x'), status: 400 },
  ])('$name → an error page, $status', async ({ change, status }) => {
    const url = new URL((await aapdWidget()).iframeUrl);
    change(url);
    const res = await fetch(url);
    expect(res.status).toBe(status);
    expect(await res.text()).toContain('id="error"');
  });
});

describe('ETpay payment', () => {
  async function openSession(extra: Record<string, unknown> = {}): Promise<{ token: string; signature_token: string }> {
    const res = await postJson(`${sandbox.etpayApiUrl}/session/initialize`, {
      merchant_code: 'cl_sandbox', merchant_api_token: 'sandbox-merchant-token',
      merchant_order_id: 'OC-700104', order_amount: 50000,
      metadata: [{ name: 'Consulta', value: 'Dr. Soto', show: true }, { name: 'Interno', value: 'oculto', show: false }],
      payment_completed_url: 'https://clinic.example/pago/ok?from=etpay',
      payment_cancellation_url: 'https://clinic.example/pago/cancelado',
      payment_webhook_url: receiver.url,
      ...extra,
    });
    return (await res.json()) as { token: string; signature_token: string };
  }

  it('shows the order on the payment page', async () => {
    const { token } = await openSession();
    const res = await fetch(`${sandbox.etpayPaymentUrl}/session/${token}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ['OC-700104', '$50.000', 'Dr. Soto', '>Pagar<', '>Cancelar<', `/etpay/session/${token}/pay`]) expect(html).toContain(text);
    expect(html).not.toContain('oculto');
    expect((await fetch(`${sandbox.etpayPaymentUrl}/session/unknown-token`)).status).toBe(404);
  });

  it('on pay, notifies the webhook and redirects with a JWT signed by the session signature_token', async () => {
    const { token, signature_token } = await openSession();
    const before = receiver.received.length;
    const res = await fetch(`${sandbox.etpayPaymentUrl}/session/${token}/pay`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://clinic.example/pago/ok');
    expect(location.searchParams.get('from')).toBe('etpay');
    const jwt = location.searchParams.get(ETPAY_RESULT_QUERY_PARAM) ?? '';

    expect(decodeProtectedHeader(jwt).alg).toBe('HS256');
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(signature_token), { algorithms: ['HS256'] });
    expect(payload).toEqual({
      session_token: token, merchant_order_id: 'OC-700104', order_amount: 50000, payment_status: 'success',
      payment_token: expect.any(String), iat: expect.any(Number), exp: expect.any(Number),
    });
    await expect(jwtVerify(jwt, new TextEncoder().encode('0'.repeat(64)))).rejects.toThrow();

    expect(receiver.received[before]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(receiver.received[before]?.body ?? '')).toEqual({ payment: jwt });
    expect((await fetch(`${sandbox.etpayPaymentUrl}/session/${token}/pay`, { method: 'POST', redirect: 'manual' })).status).toBe(409);
  });

  it('on cancel, redirects to the cancellation URL with a cancelled result', async () => {
    const { token, signature_token } = await openSession();
    const res = await fetch(`${sandbox.etpayPaymentUrl}/session/${token}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.pathname).toBe('/pago/cancelado');
    const { payload } = await jwtVerify(location.searchParams.get('jwt') ?? '', new TextEncoder().encode(signature_token));
    expect(payload.payment_status).toBe('cancelled');
  });

  it('never calls a webhook beyond loopback, and shows the result when there is no return URL', async () => {
    const { token } = await openSession({ payment_webhook_url: 'https://example.com/hook', payment_completed_url: undefined });
    const res = await fetch(`${sandbox.etpayPaymentUrl}/session/${token}/pay`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('id="jwt"');
    expect(sandbox.webhooks.at(-1)).toMatchObject({ provider: 'etpay', url: 'https://example.com/hook', error: expect.stringContaining('loopback') });
  });
});

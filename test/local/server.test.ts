// `npm start`'s server, in-process on a free port: every route end to end over real HTTP, through the
// Lambda handler modules, the provider sandbox and the Secrets Manager and DynamoDB stand-ins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { CORS_RULE } from '#shared/http/cors.ts';
import { errorBody } from '../../local/openapi-operations.ts';
import { confirmEtpayPaymentResponse } from '#shared/routes/confirm-etpay-payment/schema.ts';
import { createEtpaySessionResponse } from '#shared/routes/create-etpay-session/schema.ts';
import { createOrderResponse } from '#shared/routes/create-order/schema.ts';
import { createWidgetSessionResponse } from '#shared/routes/create-widget-session/schema.ts';
import { getPaymentStatusResponse } from '#shared/routes/get-payment-status/schema.ts';
import { listPaymentsResponse } from '#shared/routes/list-payments/schema.ts';
import { openApiText } from '../../local/openapi.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { setEnvironment } from '../support/env.ts';
import { samplePatient } from '../support/fixtures.ts';

let server: LocalServer;
const FRONTEND = 'http://localhost:5173';
/** clinica-demo-a's access token, got the way the README's curl example gets it. */
let token = '';

beforeAll(async () => {
  // The functions' JSON logs and EMF metrics are for the console of `npm start`, not for test output.
  setEnvironment({ POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  server = await startLocalServer({ port: 0, clinicOrigins: [FRONTEND] });
  const answer = await fetch(`${server.origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=clinica-demo-a&client_secret=local-secret-a',
  });
  token = ((await answer.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await server.close();
});

const customer = samplePatient;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
const get = (path: string) => fetch(`${server.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });

/** The answer, its body parsed strictly with the schema the OpenAPI document publishes for it. */
const expectAnswer = async <S extends z.ZodMiniType>(response: Response, status: number, schema: S): Promise<z.output<S>> => {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const requestId = response.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.error?.issues ?? [], text).toEqual([]);
  return parsed.data as z.output<S>;
};

const createOrder = async (reference?: string) =>
  expectAnswer(await post('/v1/orders', { ...(reference ? { reference } : {}), total_amount: 50000, customer }), 201, createOrderResponse.body);

describe('routes, end to end through the sandbox', () => {
  it('POST /v1/orders creates a SkipPay order with the secret read from the Secrets Manager stand-in', async () => {
    const order = await createOrder('CLINIC-000123');
    expect(order).toMatchObject({ order_token: expect.stringMatching(/^ord_/), reference: 'CLINIC-000123', status: 'pending' });
    const sent = server.standIns.sandbox.requests.findLast((r) => r.target === 'skippay');
    expect(sent?.headers.authorization).toBe('Bearer st_test_sandbox');
    expect(JSON.parse(sent?.body ?? '{}')).toMatchObject({ total_amount: '50000', customer: { rut: '12345678-5', phone_number: '+56912345678' } });
    expect(server.standIns.secretsManager.calls).toBeGreaterThan(0);
  });

  it('POST /v1/widget-sessions mints an iframe URL on the sandbox widget origin, which serves the widget', async () => {
    const order = await createOrder();
    const widget = await expectAnswer(
      await post('/v1/widget-sessions', { order_token: order.order_token, patient: customer }),
      201,
      createWidgetSessionResponse.body,
    );
    expect(widget.widget_origin).toBe(server.standIns.sandbox.origin);
    expect(new URL(widget.iframe_url).searchParams.get('order_token')).toBe(order.order_token);
    const page = await fetch(widget.iframe_url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pago AAPD');
  });

  it('POST /v1/etpay/sessions, the payment page, the signed result back, confirmation and notification', async () => {
    const id = `OC-${Date.now()}`;
    const session = await expectAnswer(
      await post('/v1/etpay/sessions', {
        merchant_order_id: id,
        order_amount: 45990,
        payment_completed_url: `${server.origin}/?etpay=completado`,
        payment_cancellation_url: `${server.origin}/?etpay=cancelado`,
      }),
      201,
      createEtpaySessionResponse.body,
    );
    expect(session.payment_url).toMatch(new RegExp(`^${server.standIns.sandbox.etpayPaymentUrl}/session/`));
    expect((await fetch(session.payment_url ?? '')).status).toBe(200);

    const paid = await fetch(`${session.payment_url ?? ''}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get('location') ?? '');
    expect(back.origin).toBe(server.origin);
    // ETpay notified our own route before redirecting, with the webhook URL the server configured.
    expect(server.standIns.sandbox.webhooks.findLast((w) => w.provider === 'etpay')).toMatchObject({
      url: `${server.origin}/v1/etpay/notifications`,
      status: 200,
    });

    const confirmation = await expectAnswer(
      await post('/v1/etpay/confirmations', { jwt: back.searchParams.get('jwt') }),
      200,
      confirmEtpayPaymentResponse.body,
    );
    expect(confirmation).toEqual({ merchant_order_id: id, order_amount: 45990, payment_status: 'success', paid: true, status: 'paid' });
    const state = await expectAnswer(await get(`/v1/payments/etpay/${id}`), 200, getPaymentStatusResponse.body);
    expect(state).toMatchObject({ provider: 'etpay', id, paid: true, status: 'paid', amount: 45990, attempts: 1 });
    const listed = await expectAnswer(await get('/v1/payments?provider=etpay&limit=100'), 200, listPaymentsResponse.body);
    expect(listed.payments).toContainEqual(state);
  });

  it('the widget\'s AAPD payment reaches POST /v1/webhooks/skippay signed, and GET /v1/payments/skippay/{order_token} shows it', async () => {
    const order = await createOrder();
    const widget = await expectAnswer(
      await post('/v1/widget-sessions', { order_token: order.order_token, patient: customer }),
      201,
      createWidgetSessionResponse.body,
    );
    const widgetToken = new URL(widget.iframe_url).searchParams.get('widget_token');
    const pay = await fetch(`${server.standIns.sandbox.spotWidgetUrl}/_pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ widget_token: widgetToken, order_token: order.order_token }),
    });
    expect(await pay.json()).toEqual({ status: 'paid', webhook: { status: 200, error: null } });
    const state = await expectAnswer(
      await get(`/v1/payments/skippay/${order.order_token}`),
      200,
      getPaymentStatusResponse.body,
    );
    expect(state).toMatchObject({ provider: 'skippay', id: order.order_token, paid: true });
  });

  it('POST /v1/orders with Idempotency-Key replays the first answer from the local payments table', async () => {
    const body = { reference: `IDEM-${Date.now()}`, total_amount: 50000, customer };
    const headers = { 'idempotency-key': `key-${Date.now()}` };
    const first = await expectAnswer(await post('/v1/orders', body, headers), 201, createOrderResponse.body);
    const orders = server.standIns.sandbox.requests.filter((r) => r.target === 'skippay').length;
    expect(await expectAnswer(await post('/v1/orders', body, headers), 201, createOrderResponse.body)).toEqual(first);
    expect(server.standIns.sandbox.requests.filter((r) => r.target === 'skippay')).toHaveLength(orders);
    const reused = await expectAnswer(await post('/v1/orders', { ...body, total_amount: 1 }, headers), 422, errorBody);
    expect(reused.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('an unsigned SkipPay webhook is refused', async () => {
    const error = await expectAnswer(await post('/v1/webhooks/skippay', { id: 'evt_x', type: 'order.paid' }), 401, errorBody);
    expect(error.error.code).toBe('INVALID_SIGNATURE');
  });

  it('an injected fault shows up as the contract says: FAULT-503 → 503 UPSTREAM_UNAVAILABLE from skippay', async () => {
    const error = await expectAnswer(await post('/v1/orders', { reference: 'FAULT-503', total_amount: 50000, customer }), 503, errorBody);
    expect(error.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'skippay' });
    const etpay = await expectAnswer(await post('/v1/etpay/sessions', { merchant_order_id: 'FAULT-401', order_amount: 1 }), 502, errorBody);
    expect(etpay.error).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', upstream: 'etpay' });
  });

  it('validation errors list every failing field', async () => {
    const error = await expectAnswer(
      await post('/v1/orders', { total_amount: '50000', customer: { ...customer, rut: '12.345.678-9' } }),
      400,
      errorBody,
    );
    expect(error.error.details?.map((d) => d.path).sort()).toEqual(['customer.rut', 'total_amount']);
  });
});

describe('the API Gateway stand-in', () => {
  it.each([
    { name: 'an unknown route', method: 'GET', path: '/v1/nope' },
    { name: 'a known path with another method', method: 'GET', path: '/v1/orders' },
    { name: 'a trailing slash', method: 'POST', path: '/v1/orders/' },
    { name: 'a method no route has', method: 'DELETE', path: '/v1/orders' },
  ])('$name ($method $path) → 404 NOT_FOUND in the contract shape', async ({ method, path }) => {
    const response = await fetch(`${server.origin}${path}`, { method });
    const body = await expectAnswer(response, 404, errorBody);
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.request_id).toBe(response.headers.get('x-request-id'));
  });

  it('routes path parameters to the function (an unknown order is the function\'s own 404)', async () => {
    const body = await expectAnswer(await get(`/v1/payments/etpay/OC-UNKNOWN`), 404, errorBody);
    expect(body.error.message).not.toBe('Not found.');
  });

  it('answers CORS preflights with the stack\'s rule for an allowed origin, and nothing for another', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.origin}/v1/orders`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' },
      });
    const allowed = await preflight(FRONTEND);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(allowed.headers.get('access-control-allow-methods')?.split(',')).toEqual([...CORS_RULE.allowMethods]);
    expect(allowed.headers.get('access-control-allow-headers')?.split(',')).toEqual([...CORS_RULE.allowHeaders]);
    expect(allowed.headers.get('access-control-max-age')).toBe(String(CORS_RULE.maxAgeSeconds));
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    // Preflights carry a request id like every other answer, allowed or not.
    for (const answer of [allowed, refused]) expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts x-request-id on every answer: routes, errors, the demo page, the documents, each one different', async () => {
    const answers = await Promise.all(
      ['/', '/app.js', '/openapi.json', '/docs', '/docs/swagger-ui.css', '/nowhere', '/v1/payments/etpay/OC-UNKNOWN'].map((path) => fetch(`${server.origin}${path}`)),
    );
    const ids = answers.map((answer) => answer.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // A function's answer keeps the id its event carried, the one in its error body.
    const notFound = answers.at(-1);
    expect(((await notFound?.json()) as { error: { request_id: string } }).error.request_id).toBe(notFound?.headers.get('x-request-id'));
  });

  it('serves the rendered reference at /docs, offline: Swagger UI from node_modules over /openapi.json, strict CSP', async () => {
    const page = await fetch(`${server.origin}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, path]) => path ?? '');
    expect(assets.sort()).toEqual(['/docs/docs.js', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    for (const asset of assets) {
      const response = await fetch(`${server.origin}${asset}`);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
    expect(await (await fetch(`${server.origin}/docs/docs.js`)).text()).toContain("url: '/openapi.json'");
    // Only the listed files: no path reaches node_modules.
    expect((await fetch(`${server.origin}/docs/package.json`)).status).toBe(404);
  });

  it('echoes an allowed origin (the demo page\'s own included) on answers, errors too, and not an unknown one', async () => {
    for (const origin of [FRONTEND, server.origin]) {
      const response = await post('/v1/orders', {}, { origin });
      expect(response.status).toBe(400);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id');
    }
    const other = await post('/v1/orders', {}, { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the demo page with a CSP that frames only the widget origin, and the OpenAPI document', async () => {
    const page = await fetch(`${server.origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pagar después con Skip');
    expect(page.headers.get('content-security-policy')).toContain(`frame-src ${server.standIns.sandbox.origin}`);
    expect((await fetch(`${server.origin}/app.js`)).headers.get('content-type')).toContain('javascript');
    const openapi = await fetch(`${server.origin}/openapi.json`);
    expect(await openapi.text()).toBe(openApiText());
  });
});

describe('shutdown', () => {
  it('closes the server, the sandbox and every stand-in, and restores the environment', async () => {
    const { sandbox, secretsManager, dynamo, eventBridge } = server.standIns;
    expect(process.env.STAGE).toBe('local');
    await server.close();
    for (const url of [server.origin, sandbox.origin, secretsManager.endpoint, dynamo.endpoint, eventBridge.endpoint]) {
      await expect(fetch(url), url).rejects.toThrow();
    }
    expect(process.env.STAGE).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL_EVENTBRIDGE).toBeUndefined();
    // Closed once for good: a second close (afterAll) is the same promise.
    await expect(server.close()).resolves.toBeUndefined();
  });
});

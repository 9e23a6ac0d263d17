// The provider sandbox's API stand-ins: happy paths, auth, request shapes, recording, fault values.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_VALUES, SANDBOX_FAULTS, SANDBOX_ETPAY_SECRET, SANDBOX_SKIP_SECRET, startSandbox } from '../../local/sandbox/index.ts';
import type { FaultValue, Sandbox } from '../../local/sandbox/index.ts';
import { samplePatientCanonical, sampleSkipUserData } from '../support/fixtures.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  sandbox.requests.length = 0;
});

const etpayCredentials = {
  merchant_code: SANDBOX_ETPAY_SECRET.ETPAY_MERCHANT_CODE,
  merchant_api_token: SANDBOX_ETPAY_SECRET.ETPAY_MERCHANT_API_TOKEN,
};
const customer = samplePatientCanonical;
const patient = sampleSkipUserData;

function postJson(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
}

/** One call per provider API, with `text` placed in an ordinary text field (where a developer would type a fault). */
const providerCalls = {
  skippay: {
    success: 201,
    required: ['hash'],
    call: (text: string, signal?: AbortSignal) =>
      postJson(`${sandbox.skippayApiUrl}/orders`, { reference: 'CLINIC-1', total_amount: '50000', customer: { ...customer, first_name: text } },
        { authorization: `Bearer ${SANDBOX_SKIP_SECRET.SKIPPAY_CLIENT_SECRET}` }, signal),
  },
  'skip-backend': {
    success: 201,
    required: ['widget_token', 'url'],
    call: (text: string, signal?: AbortSignal) =>
      postJson(`${sandbox.skipBackendUrl}/spot/widget?public_key=${SANDBOX_SKIP_SECRET.SKIP_PUBLIC_KEY}`,
        { rut: customer.rut, user_data: { ...patient, name: text } }, {}, signal),
  },
  etpay: {
    success: 200,
    required: ['token', 'signature_token'],
    call: (text: string, signal?: AbortSignal) =>
      postJson(`${sandbox.etpayApiUrl}/session/initialize`, { ...etpayCredentials, merchant_order_id: text, order_amount: 50000 }, {}, signal),
  },
} as const;

describe('SkipPay orders', () => {
  const order = { reference: 'CLINIC-000123', total_amount: '50000', customer, provider_rut: '11111111-1' };
  const auth = { authorization: 'Bearer st_test_sandbox' };

  it('creates a pending order and records the request as received', async () => {
    const res = await postJson(`${sandbox.skippayApiUrl}/orders`, order, auth);
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ hash: expect.stringMatching(/^ord_[\w-]+$/), reference: 'CLINIC-000123', status: 'pending', total_amount: '50000' });
    expect(sandbox.requests).toEqual([
      { target: 'skippay', method: 'POST', path: '/skippay/orders', headers: expect.objectContaining(auth), body: JSON.stringify(order) },
    ]);
  });

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'no Authorization', headers: {} },
    { name: 'a live secret', headers: { authorization: 'Bearer st_live_abc' } },
    { name: 'a non-Bearer scheme', headers: { authorization: 'Basic st_test_sandbox' } },
  ])('$name → 401', async ({ headers }) => {
    const res = await postJson(`${sandbox.skippayApiUrl}/orders`, order, headers);
    expect(res.status).toBe(401);
    expect(await res.json()).toHaveProperty('error', 'unauthorized');
  });

  it('answers 400 listing every bad field', async () => {
    const bad = { ...order, total_amount: 50000, customer: { ...customer, rut: '12.345.678-5', phone_number: '912345678' } };
    const res = await postJson(`${sandbox.skippayApiUrl}/orders`, bad, auth);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: { path: string }[] };
    expect(body.details.map((d) => d.path).sort()).toEqual(['customer.phone_number', 'customer.rut', 'total_amount']);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(`${sandbox.skippayApiUrl}/orders`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(415);
    const broken = await fetch(`${sandbox.skippayApiUrl}/orders`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{' });
    expect(broken.status).toBe(400);
  });
});

describe('Skip backend widget tokens', () => {
  const request = { rut: customer.rut, user_data: patient, order_token: 'ord_abc123' };
  const endpoint = (): string => `${sandbox.skipBackendUrl}/spot/widget?public_key=pk_test_sandbox`;

  it('mints a widget token whose URL is on the sandbox widget origin, without order_token', async () => {
    const res = await postJson(endpoint(), request);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { widget_token: string; url: string };
    expect(body.widget_token).toMatch(/^[0-9a-f-]{36}$/);
    const url = new URL(body.url);
    expect(url.origin).toBe(new URL(sandbox.spotWidgetUrl).origin);
    expect(url.href.startsWith(`${sandbox.spotWidgetUrl}/?`)).toBe(true);
    expect(url.searchParams.get('widget_token')).toBe(body.widget_token);
    expect(url.searchParams.get('public_key')).toBe('pk_test_sandbox');
    expect(url.searchParams.has('order_token')).toBe(false);
    expect(sandbox.requests[0]?.path).toBe('/skip-backend/api/spot/widget?public_key=pk_test_sandbox');
  });

  it.each([
    { name: 'no public_key', query: '' },
    { name: 'a live public key', query: '?public_key=pk_live_abc' },
    { name: 'a client secret as the key', query: '?public_key=ci_test_sandbox' },
  ])('$name → 401', async ({ query }) => {
    const res = await postJson(`${sandbox.skipBackendUrl}/spot/widget${query}`, request);
    expect(res.status).toBe(401);
  });

  it.each<{ name: string; extra: Record<string, unknown>; headers: Record<string, string> }>([
    { name: 'an Authorization header', extra: {}, headers: { authorization: 'Bearer st_test_sandbox' } },
    { name: 'a client secret in the body', extra: { client_secret: 'st_test_sandbox' }, headers: {} },
  ])('$name → 400 secret_leak', async ({ extra, headers }) => {
    const res = await postJson(endpoint(), { ...request, ...extra }, headers);
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty('error', 'secret_leak');
  });

  it('answers 400 to a bad shape', async () => {
    const res = await postJson(endpoint(), { rut: '123456785', user_data: { name: 'Ana' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: { path: string }[] };
    expect(body.details.map((d) => d.path)).toEqual(expect.arrayContaining(['rut', 'user_data.surname', 'user_data.email']));
  });
});

describe('ETpay session initialisation', () => {
  const session = {
    merchant_code: 'cl_sandbox', merchant_api_token: 'sandbox-merchant-token',
    merchant_order_id: 'OC-700104', order_amount: 50000, customer_email: 'ana@example.cl',
    metadata: [{ name: 'Consulta', value: 'Dr. Soto', show: true }], user_bank_code: 'cl_santander',
    user_rut: '111111111', is_rut_block: true, payment_completed_url: 'https://clinic.example/pago/ok',
  };
  const endpoint = (): string => `${sandbox.etpayApiUrl}/session/initialize`;

  it('opens a session', async () => {
    const res = await postJson(endpoint(), session);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      token: expect.stringMatching(/^[\w-]{20,}$/),
      signature_token: expect.stringMatching(/^[0-9a-f]{64}$/),
      terms_url: `${sandbox.origin}/etpay/terminos.pdf`,
    });
    const terms = await fetch(`${sandbox.origin}/etpay/terminos.pdf`);
    expect(terms.headers.get('content-type')).toBe('application/pdf');
    expect((await terms.text()).startsWith('%PDF-')).toBe(true);
  });

  it.each<{ name: string; change: Record<string, unknown> }>([
    { name: 'a wrong token', change: { merchant_api_token: 'nope' } },
    { name: 'a wrong merchant', change: { merchant_code: 'cl_demo_cl' } },
    { name: 'no credentials', change: { merchant_code: undefined, merchant_api_token: undefined } },
  ])('$name → 401', async ({ change }) => {
    const res = await postJson(endpoint(), { ...session, ...change });
    expect(res.status).toBe(401);
  });

  it.each<{ name: string; change: Record<string, unknown>; path: string }>([
    { name: 'a decimal amount', change: { order_amount: 50000.5 }, path: 'order_amount' },
    { name: 'an amount as a string', change: { order_amount: '50000' }, path: 'order_amount' },
    { name: 'a RUT with a dash', change: { user_rut: '11111111-1' }, path: 'user_rut' },
    { name: 'an unknown bank', change: { user_bank_code: 'cl_nope' }, path: 'user_bank_code' },
    { name: 'a relative return URL', change: { payment_completed_url: '/ok' }, path: 'payment_completed_url' },
  ])('$name → 400 at $path', async ({ change, path }) => {
    const res = await postJson(endpoint(), { ...session, ...change });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: { path: string }[] }).details.map((d) => d.path)).toEqual([path]);
  });
});

describe('fault values', () => {
  const cases = Object.keys(providerCalls).flatMap((provider) => FAULT_VALUES.map((fault): { provider: string; fault: FaultValue } => ({ provider, fault })));

  it.each(cases)('$provider answers $fault as documented', async ({ provider, fault }) => {
    const { call, success, required } = providerCalls[provider as keyof typeof providerCalls];
    const spec = SANDBOX_FAULTS[fault];
    if (fault === 'FAULT-TIMEOUT') {
      await expect(call(fault, AbortSignal.timeout(200))).rejects.toMatchObject({ name: 'TimeoutError' });
      return;
    }
    if (fault === 'FAULT-RESET') {
      await expect(call(fault).then((res) => res.text())).rejects.toThrow();
      return;
    }
    const res = await call(fault);
    const text = await res.text();
    expect(res.status).toBe(spec.status === '2xx' ? success : spec.status);
    if (fault === 'FAULT-MALFORMED') {
      expect(() => JSON.parse(text) as unknown).toThrow();
    } else if (fault === 'FAULT-EMPTY') {
      const body = JSON.parse(text) as Record<string, unknown>;
      expect(required.filter((field) => !(field in body))).not.toEqual([]);
    } else if (fault === 'FAULT-502') {
      expect(res.headers.get('content-type')).toBe('text/html');
    } else {
      expect(JSON.parse(text)).toHaveProperty('error');
      if (fault === 'FAULT-429' || fault === 'FAULT-503') expect(res.headers.get('retry-after')).toBe('1');
    }
  });

  it('finds a fault value at any depth, and only an exact one', async () => {
    const res = await postJson(`${sandbox.etpayApiUrl}/session/initialize`, {
      ...etpayCredentials, merchant_order_id: 'OC-2', order_amount: 1, metadata: [{ name: 'x', value: 'FAULT-422', show: false }],
    });
    expect(res.status).toBe(422);
    expect((await providerCalls.skippay.call('fault-500 ')).status).toBe(201);
  });

  it('lets close() end promptly while a FAULT-TIMEOUT request hangs', async () => {
    const own = await startSandbox();
    const hanging = postJson(`${own.skippayApiUrl}/orders`, { reference: 'FAULT-TIMEOUT' }).then(
      () => 'answered',
      () => 'dropped',
    );
    await expect.poll(() => own.requests.length).toBe(1);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hanging).toBe('dropped');
  });
});

describe('the README fault table', () => {
  it('documents every fault value with the API answer the code exports', async () => {
    const readme = await readFile(new URL('../../local/sandbox/README.md', import.meta.url), 'utf8');
    for (const fault of FAULT_VALUES) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${fault}\` |`));
      const { status, code } = SANDBOX_FAULTS[fault].apiOutcome;
      expect(row, fault).toContain(`${status} \`${code}\``);
    }
  });
});

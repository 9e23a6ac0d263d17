// `npm start` authenticates like a stage: its token endpoint and JWKS, the authorizer's check before every
// clinic function (401/403), and what each clinic can see of another's payments, over real HTTP.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FUNCTIONS, ROUTE_FUNCTION_NAMES, type FunctionSpec } from '#shared/catalog.ts';
import { startLocalIssuer } from '../../local/auth.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { setEnvironment } from '../support/env.ts';
import { samplePatient } from '../support/fixtures.ts';

let server: LocalServer;
const tokens: Record<string, string> = {};

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${server.origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

const tokenFor = async (clientId: string, clientSecret: string, scope?: string): Promise<string> => {
  const res = await form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...(scope ? { scope } : {}) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
};

const call = (method: 'GET' | 'POST', path: string, token: string | undefined, body?: unknown) =>
  fetch(`${server.origin}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const codeOf = async (res: Response): Promise<string | undefined> => ((await res.json()) as { error?: { code: string } }).error?.code;

beforeAll(async () => {
  setEnvironment({ POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  server = await startLocalServer({ port: 0 });
  tokens.a = await tokenFor('clinica-demo-a', 'local-secret-a');
  tokens.b = await tokenFor('clinica-demo-b', 'local-secret-b');
  tokens.readOnly = await tokenFor('clinica-demo-a', 'local-secret-a', 'clinic-payments/payments.read');
  tokens.writeOnly = await tokenFor('clinica-demo-a', 'local-secret-a', 'clinic-payments/payments.write');
});
afterAll(async () => {
  await server.close();
});

describe('POST /oauth2/token (client credentials)', () => {
  it('answers {access_token, token_type, expires_in, scope}: an RS256 JWT the JWKS verifies, shaped like Cognito\'s', async () => {
    const res = await form({ grant_type: 'client_credentials', client_id: 'clinica-demo-a', client_secret: 'local-secret-a' });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'clinic-payments/payments.write clinic-payments/payments.read',
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const jwks = createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(String(body.access_token), jwks, { issuer: server.origin });
    expect(payload).toMatchObject({ client_id: 'clinica-demo-a', sub: 'clinica-demo-a', token_use: 'access' });
  });

  it('takes the client credentials in HTTP Basic too', async () => {
    const basic = Buffer.from('clinica-demo-b:local-secret-b').toString('base64');
    const res = await form({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  it.each([
    { name: 'a wrong secret', fields: { grant_type: 'client_credentials', client_id: 'clinica-demo-a', client_secret: 'local-secret-b' }, status: 401, error: 'invalid_client' },
    { name: 'an unknown client', fields: { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' }, status: 401, error: 'invalid_client' },
    { name: 'no credentials', fields: { grant_type: 'client_credentials' }, status: 401, error: 'invalid_client' },
    { name: 'another grant', fields: { grant_type: 'password', client_id: 'clinica-demo-a', client_secret: 'local-secret-a' }, status: 400, error: 'unsupported_grant_type' },
    { name: 'a scope not granted', fields: { grant_type: 'client_credentials', client_id: 'clinica-demo-a', client_secret: 'local-secret-a', scope: 'admin' }, status: 400, error: 'invalid_scope' },
  ])('$name → $status $error', async ({ fields, status, error }) => {
    const res = await form(fields as unknown as Record<string, string>);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error });
  });
});

describe('the local authorizer, before any clinic function', () => {
  it('no token → 401 UNAUTHORIZED', async () => {
    const res = await call('GET', '/v1/payments', undefined);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('UNAUTHORIZED');
  });

  it('a token of another issuer (another key) → 401', async () => {
    const other = await startLocalIssuer(server.origin);
    const forged = (await other.issue('clinica-demo-a', 'local-secret-a')).body.access_token as string;
    expect((await call('GET', '/v1/payments', forged)).status).toBe(401);
  });

  it('a garbled token → 401', async () => {
    expect((await call('GET', '/v1/payments', `${tokens.a}x`)).status).toBe(401);
  });

  it('an expired token → 401', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2 * 3600 * 1000);
      await expect(server.issuer.authorize(`Bearer ${tokens.a}`, 'clinic-payments/payments.read')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a token without the route\'s scope → 403 FORBIDDEN, and the function never runs', async () => {
    const res = await call('POST', '/v1/etpay/sessions', tokens.readOnly, { merchant_order_id: 'RO-1', order_amount: 1000 });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('FORBIDDEN');
    expect((await call('GET', '/v1/payments/etpay/RO-1', tokens.a)).status).toBe(404);
    expect((await call('GET', '/v1/payments', tokens.readOnly)).status).toBe(200);
  });

  describe('every clinic route of the catalog, attacked with tokens', () => {
    const clinicRoutes = ROUTE_FUNCTION_NAMES.filter((name) => (FUNCTIONS[name] as FunctionSpec).public !== true).flatMap((name) =>
      FUNCTIONS[name].routes.map((route) => ({ key: `${route.method} ${route.path}`, method: route.method, path: route.path.replace(/\{[^}]+\}/g, 'ord_attack1') })),
    );
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forgeries: { name: string; token: () => Promise<string | undefined> }[] = [
      { name: 'no token', token: () => Promise.resolve(undefined) },
      {
        name: 'alg none with a genuine payload',
        token: () => {
          const [, payload] = String(tokens.a).split('.');
          return Promise.resolve(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`);
        },
      },
      {
        name: 'HS256 keyed with the issuer\'s own public key (algorithm confusion)',
        token: async () => {
          const { keys } = (await (await fetch(`${server.origin}/.well-known/jwks.json`)).json()) as { keys: JsonWebKey[] };
          const pem = createPublicKey({ key: keys[0] as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
          const payload = decodeJwt(String(tokens.a));
          return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: 'local-1' }).sign(new TextEncoder().encode(String(pem)));
        },
      },
      {
        name: 'a genuine payload under another key\'s signature',
        token: async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return new SignJWT(decodeJwt(String(tokens.a))).setProtectedHeader({ alg: 'RS256', kid: 'local-1' }).sign(privateKey);
        },
      },
      {
        name: 'a genuine token with its payload edited (clinic B as client_id)',
        token: () => {
          const [header, payload, signature] = String(tokens.a).split('.');
          const edited = { ...(JSON.parse(Buffer.from(String(payload), 'base64url').toString()) as object), client_id: 'clinica-demo-b', sub: 'clinica-demo-b' };
          return Promise.resolve(`${header}.${b64(edited)}.${signature}`);
        },
      },
      { name: 'a token in the wrong scheme (Basic)', token: () => Promise.resolve(`Basic:${tokens.a}`) },
    ];
    const cases = clinicRoutes.flatMap((route) => forgeries.map((forgery) => ({ route: route.key, ...route, forgery: forgery.name, token: forgery.token })));

    it.each(cases)('$route with $forgery → 401 UNAUTHORIZED', async ({ method, path, token }) => {
      const given = await token();
      const res = given?.startsWith('Basic:')
        ? await fetch(`${server.origin}${path}`, { method, headers: { authorization: `Basic ${given.slice(6)}`, 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) })
        : await call(method, path, given, method === 'POST' ? {} : undefined);
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe('UNAUTHORIZED');
    });

    it.each(clinicRoutes)('$key with a token lacking its scope → 403 FORBIDDEN', async ({ method, path }) => {
      // A read-only token on a write route, a write-only token on a read route.
      const token = method === 'GET' ? tokens.writeOnly : tokens.readOnly;
      const res = await call(method, path, token, method === 'POST' ? {} : undefined);
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toBe('FORBIDDEN');
    });
  });

  it('provider routes stay public: their own signatures are checked instead', async () => {
    const res = await call('POST', '/v1/webhooks/skippay', undefined, { id: 'evt_1' });
    expect(await codeOf(res)).toBe('INVALID_SIGNATURE');
  });
});

describe('whose payment, for how much', () => {
  it('a 1 CLP session for a 50 000 CLP order → 409 ORDER_CONFLICT; the order stays 50 000, pending', async () => {
    const open = (amount: number) => call('POST', '/v1/etpay/sessions', tokens.a, { merchant_order_id: 'ORD-1', order_amount: amount });
    expect((await open(50000)).status).toBe(201);
    const conflict = await open(1);
    expect(conflict.status).toBe(409);
    expect(await codeOf(conflict)).toBe('ORDER_CONFLICT');
    expect(await (await call('GET', '/v1/payments/etpay/ORD-1', tokens.a)).json()).toMatchObject({ amount: 50000, status: 'pending', paid: false, attempts: 1 });
  });

  it("clinic B gets 404 for clinic A's order, status and confirmation; A's own answers stand", async () => {
    const id = `OC-A-${Date.now()}`;
    const session = (await (
      await call('POST', '/v1/etpay/sessions', tokens.a, {
        merchant_order_id: id,
        order_amount: 45990,
        payment_completed_url: `${server.origin}/?etpay=completado`,
      })
    ).json()) as { payment_url: string };
    const paid = await fetch(`${session.payment_url}/pay`, { method: 'POST', redirect: 'manual' });
    const jwt = new URL(paid.headers.get('location') ?? '').searchParams.get('jwt');

    const theirs = await call('POST', '/v1/etpay/confirmations', tokens.b, { jwt });
    expect(theirs.status).toBe(404);
    expect(await codeOf(theirs)).toBe('NOT_FOUND');
    expect((await call('GET', `/v1/payments/etpay/${id}`, tokens.b)).status).toBe(404);
    expect((await call('POST', '/v1/etpay/confirmations', tokens.a, { jwt })).status).toBe(200);
    expect(await (await call('GET', `/v1/payments/etpay/${id}`, tokens.a)).json()).toMatchObject({ status: 'paid', paid: true, amount: 45990 });

    const order = (await (
      await call('POST', '/v1/orders', tokens.a, {
        total_amount: 50000,
        customer: samplePatient,
      })
    ).json()) as { order_token: string };
    expect(await (await call('GET', `/v1/payments/skippay/${order.order_token}`, tokens.a)).json()).toMatchObject({ status: 'pending', amount: 50000 });
    expect((await call('GET', `/v1/payments/skippay/${order.order_token}`, tokens.b)).status).toBe(404);

    const listed = (await (await call('GET', '/v1/payments?limit=100', tokens.b)).json()) as { payments: { id: string }[] };
    expect(listed.payments.map((p) => p.id)).not.toContain(id);
  });

  it('the same merchant_order_id at two clinics is two orders', async () => {
    expect((await call('POST', '/v1/etpay/sessions', tokens.b, { merchant_order_id: 'ORD-1', order_amount: 1 })).status).toBe(201);
    expect(await (await call('GET', '/v1/payments/etpay/ORD-1', tokens.b)).json()).toMatchObject({ amount: 1 });
  });
});

describe('the demo clinic server', () => {
  it('forwards /demo-clinic/v1/… with its own token: the browser sends none and sees no secret', async () => {
    const res = await fetch(`${server.origin}/demo-clinic/v1/payments/etpay/ORD-1`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('local-secret');
    expect(JSON.parse(text)).toMatchObject({ amount: 50000 });
  });
});

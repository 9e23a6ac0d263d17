// The local API Gateway stand-in's routing and event building, without a server.
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#shared/catalog.ts';
import { httpApiEvent, lambdaContext, toHttpAnswer } from '../../local/events.ts';
import { compileRoutes, matchRoute } from '../../local/router.ts';

describe('compileRoutes', () => {
  it('finds every route of the catalog', () => {
    const keys = compileRoutes(FUNCTIONS).map((route) => route.routeKey);
    const expected = Object.values(FUNCTIONS).flatMap((spec) => spec.routes.map((r) => `${r.method} ${r.path}`));
    expect(keys.sort()).toEqual(expected.sort());
  });
});

describe('matchRoute', () => {
  const routes = compileRoutes({
    status: { routes: [{ method: 'GET', path: '/v1/payments/etpay/{merchant_order_id}' }] },
    special: { routes: [{ method: 'GET', path: '/v1/payments/etpay/latest' }] },
    proxy: { routes: [{ method: 'GET', path: '/files/{rest+}' }] },
    orders: { routes: [{ method: 'POST', path: '/v1/orders' }] },
  });

  it('maps `{name}` segments to pathParameters (decoded) and keeps the route key with the template', () => {
    const match = matchRoute(routes, 'GET', '/v1/payments/etpay/OC%20700');
    expect(match?.route.routeKey).toBe('GET /v1/payments/etpay/{merchant_order_id}');
    expect(match?.pathParameters).toEqual({ merchant_order_id: 'OC 700' });
  });

  it('prefers a literal segment to a parameter, as API Gateway does', () => {
    expect(matchRoute(routes, 'GET', '/v1/payments/etpay/latest')?.route.functionName).toBe('special');
  });

  it('takes the rest of the path for a greedy parameter', () => {
    expect(matchRoute(routes, 'GET', '/files/a/b.txt')?.pathParameters).toEqual({ rest: 'a/b.txt' });
  });

  it.each([
    { name: 'an empty parameter', method: 'GET', path: '/v1/payments/etpay/' },
    { name: 'a trailing slash', method: 'POST', path: '/v1/orders/' },
    { name: 'an extra segment', method: 'GET', path: '/v1/payments/etpay/a/b' },
    { name: 'another method', method: 'GET', path: '/v1/orders' },
    { name: 'an empty greedy parameter', method: 'GET', path: '/files/' },
  ])('matches nothing for $name ($method $path)', ({ method, path }) => {
    expect(matchRoute(routes, method, path), `${method} ${path}`).toBeUndefined();
  });

  it('gives a route without parameters no pathParameters, whatever the case of the method', () => {
    expect(matchRoute(routes, 'post', '/v1/orders')?.pathParameters).toBeUndefined();
  });
});

describe('httpApiEvent', () => {
  const request = (contentType: string, body: string) => ({
    method: 'POST',
    target: '/v1/orders?a=1&a=2&b=x',
    headers: { 'content-type': contentType, cookie: 'a=1; b=2', host: '127.0.0.1:3000', 'user-agent': 'test' },
    body: Buffer.from(body),
    sourceIp: '127.0.0.1',
  });

  it('builds a payload 2.0 event: route key, raw path and query, joined query values, cookies, text body', () => {
    const event = httpApiEvent(request('application/json', '{"a":1}'), { routeKey: 'POST /v1/orders', pathParameters: undefined }, 'req-1');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/orders',
      rawPath: '/v1/orders',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      cookies: ['a=1', 'b=2'],
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: { requestId: 'req-1', routeKey: 'POST /v1/orders', stage: '$default', http: { method: 'POST', path: '/v1/orders' } },
    });
    expect(event.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.pathParameters).toBeUndefined();
  });

  it('base64-encodes a body that is not text, as API Gateway does', () => {
    const event = httpApiEvent(request('application/octet-stream', 'héllo'), { routeKey: 'POST /x', pathParameters: undefined }, 'r');
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').toString('utf8')).toBe('héllo');
  });

  it('gives a context whose remaining time runs down from the function timeout', () => {
    const context = lambdaContext('f', 1_000);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(900);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(1_000);
  });

  it('writes back a structured or a bare-string result', () => {
    expect(toHttpAnswer({ statusCode: 201, headers: { 'X-A': 'b' }, body: 'aGk=', isBase64Encoded: true })).toMatchObject({
      status: 201,
      headers: { 'x-a': 'b' },
      body: Buffer.from('hi'),
    });
    expect(toHttpAnswer('{"ok":true}')).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
  });
});

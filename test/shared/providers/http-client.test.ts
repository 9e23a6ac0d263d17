// The provider client's table, owned here and nowhere else: every HTTP status, transport failure and body
// a provider can send, the contract code it becomes, and how often each retry policy calls. Route tests
// keep only their own policy (which retry rule, which upstream name, which answer shape).
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ApiError } from '#shared/errors.ts';
import { callProvider, type ProviderCall } from '#shared/providers/http-client.ts';
import { captureOutput } from '../../support/logs.ts';
import { json, refusedUrl, useProviderStub, type StubAnswer } from '../../support/provider-stub.ts';

captureOutput();
const stub = useProviderStub();
const answerSchema = z.object({ hash: z.string() });

/** Overrides of anything but the request itself (a POST of `{ a: 1 }`; the GET case is written out). */
const call = (overrides: Partial<Omit<ProviderCall<typeof answerSchema>, 'method' | 'body'>> = {}) =>
  callProvider({
    provider: 'skippay',
    operation: 'test-call',
    url: new URL('/orders', stub.url),
    body: { a: 1 },
    schema: answerSchema,
    timeoutMs: 300,
    deadline: Date.now() + 5_000,
    retry: 'never',
    ...overrides,
  });

const failureOf = async (promise: Promise<unknown>): Promise<ApiError> => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
};

interface FaultCase {
  name: string;
  answer: StubAnswer;
  status: number;
  code: string;
  /** Calls made under `once-on-unavailable` (under `never` there is always exactly one). */
  retriedCalls: 1 | 2;
}

const faults: FaultCase[] = [
  { name: '500', answer: json(500, { error: 'boom' }), status: 503, code: 'UPSTREAM_UNAVAILABLE', retriedCalls: 1 },
  { name: '502', answer: json(502, {}), status: 503, code: 'UPSTREAM_UNAVAILABLE', retriedCalls: 1 },
  { name: '503', answer: json(503, {}), status: 503, code: 'UPSTREAM_UNAVAILABLE', retriedCalls: 2 },
  { name: '429', answer: json(429, {}), status: 503, code: 'UPSTREAM_UNAVAILABLE', retriedCalls: 1 },
  { name: '401', answer: json(401, {}), status: 502, code: 'UPSTREAM_AUTH_FAILED', retriedCalls: 1 },
  { name: '403', answer: json(403, {}), status: 502, code: 'UPSTREAM_AUTH_FAILED', retriedCalls: 1 },
  { name: '400', answer: json(400, { error: 'rut 12345678-5 invalid' }), status: 422, code: 'UPSTREAM_REJECTED', retriedCalls: 1 },
  { name: '422', answer: json(422, {}), status: 422, code: 'UPSTREAM_REJECTED', retriedCalls: 1 },
  { name: 'a redirect (not followed)', answer: { kind: 'raw', status: 302, body: '' }, status: 502, code: 'UPSTREAM_BAD_RESPONSE', retriedCalls: 1 },
  { name: 'no answer before the deadline', answer: { kind: 'hang' }, status: 504, code: 'UPSTREAM_TIMEOUT', retriedCalls: 1 },
  { name: 'connection reset mid-response', answer: { kind: 'reset-mid-response' }, status: 503, code: 'UPSTREAM_UNAVAILABLE', retriedCalls: 1 },
  { name: 'connection destroyed before answering', answer: { kind: 'destroy' }, status: 503, code: 'UPSTREAM_UNAVAILABLE', retriedCalls: 2 },
  { name: 'non-JSON', answer: { kind: 'raw', status: 201, body: 'OK' }, status: 502, code: 'UPSTREAM_BAD_RESPONSE', retriedCalls: 1 },
  {
    name: 'HTML',
    answer: { kind: 'raw', status: 200, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html' },
    status: 502,
    code: 'UPSTREAM_BAD_RESPONSE',
    retriedCalls: 1,
  },
  { name: 'a body of another shape', answer: json(201, { status: 'pending' }), status: 502, code: 'UPSTREAM_BAD_RESPONSE', retriedCalls: 1 },
  { name: 'a 5 MiB body (over the 1 MiB cap)', answer: { kind: 'stream', status: 201, bytes: 5 * 1024 * 1024 }, status: 502, code: 'UPSTREAM_BAD_RESPONSE', retriedCalls: 1 },
];

describe('callProvider: every fault becomes a contract error naming the provider', () => {
  it.each(faults)('$name → $status $code, sent once under `never`', async ({ answer, status, code }) => {
    stub.answer(answer);
    const error = await failureOf(call());
    expect({ status: error.status, code: error.code, upstream: error.upstream }).toEqual({ status, code, upstream: 'skippay' });
    // What the provider said stays in the log's reason, never in the message a client sees.
    expect(error.message).not.toMatch(/boom|12345678|Bad gateway/);
    expect(stub.requests).toHaveLength(1);
  });

  it.each(faults)('$name → $code, $retriedCalls call(s) under `once-on-unavailable`', async ({ answer, code, retriedCalls }) => {
    stub.answer(answer);
    const error = await failureOf(call({ retry: 'once-on-unavailable' }));
    expect(error.code).toBe(code);
    expect(stub.requests).toHaveLength(retriedCalls);
  });

  it('connection refused → 503 UPSTREAM_UNAVAILABLE', async () => {
    const error = await failureOf(call({ url: new URL('/orders', await refusedUrl()) }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
  });
});

describe('callProvider: retries and deadlines', () => {
  it('a 503 then a success: retried once, the answer returned', async () => {
    stub.answer(json(503, {}), json(201, { hash: 'ord_1' }));
    await expect(call({ retry: 'once-on-unavailable' })).resolves.toEqual({ hash: 'ord_1' });
    expect(stub.requests).toHaveLength(2);
  });

  it('keeps inside the request deadline even when timeoutMs is longer', async () => {
    stub.answer({ kind: 'hang' });
    const started = Date.now();
    const error = await failureOf(call({ timeoutMs: 10_000, deadline: Date.now() + 300 }));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a deadline already past → UPSTREAM_TIMEOUT without calling', async () => {
    const error = await failureOf(call({ deadline: Date.now() - 1 }));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(stub.requests).toHaveLength(0);
  });
});

describe('callProvider: the answer', () => {
  it('is the parsed body, and `check` may refuse it as the provider\'s bad answer', async () => {
    stub.answer(json(201, { hash: 'ord_1', extra: true }));
    await expect(call()).resolves.toEqual({ hash: 'ord_1' });
    const refused = await failureOf(
      call({
        check: () => {
          throw new ApiError('UPSTREAM_BAD_RESPONSE', { upstream: 'skippay', reason: 'not usable' });
        },
      }),
    );
    expect(refused.code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('sends JSON with the call\'s headers, and never follows a redirect', async () => {
    stub.answer(json(201, { hash: 'ord_1' }));
    await call({ headers: { authorization: 'Bearer x' } });
    expect(stub.requests[0]).toMatchObject({ method: 'POST', path: '/orders', json: { a: 1 } });
    expect(stub.requests[0]?.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer x' });
  });

  it('a GET (a status pull) sends no body and no content type, and reads the answer the same way', async () => {
    stub.answer(json(200, { hash: 'ord_1' }));
    const answer = await callProvider({
      provider: 'skippay',
      operation: 'test-read',
      method: 'GET',
      url: new URL('/orders/ord_1', stub.url),
      headers: { authorization: 'Bearer x' },
      schema: answerSchema,
      timeoutMs: 300,
      deadline: Date.now() + 5_000,
      retry: 'once-on-unavailable',
    });
    expect(answer).toEqual({ hash: 'ord_1' });
    expect(stub.requests[0]).toMatchObject({ method: 'GET', path: '/orders/ord_1', body: '' });
    expect(stub.requests[0]?.headers).toMatchObject({ accept: 'application/json', authorization: 'Bearer x' });
    expect(stub.requests[0]?.headers['content-type']).toBeUndefined();
  });
});

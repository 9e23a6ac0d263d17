import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { itemId, ownerKey } from '#shared/state/keys.ts';
import { encodeCursor } from '#shared/state/order-listing.ts';
import { handler } from '../../functions/list-payments/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { setEnvironment } from '../support/env.ts';
import { CLINIC_A, CLINIC_B, httpEvent, lambdaContext, ownerOfClaims, type Answer } from '../support/lambda.ts';

const table = usePaymentsTable();
const ROUTE = 'GET /v1/payments';
const BASE = Date.parse('2026-11-01T00:00:00.000Z');
const at = (minutes: number): string => new Date(BASE + minutes * 60_000).toISOString();

const list = async (query: Record<string, string>, claims: Record<string, unknown> | null = CLINIC_A): Promise<Answer> => {
  const event = httpEvent({ routeKey: ROUTE, headers: {}, claims });
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  const result = await handler(event, lambdaContext());
  return { status: result.statusCode ?? 0, headers: result.headers ?? {}, body: JSON.parse(result.body ?? 'null') };
};

/** An order item as openOrder writes it, at a chosen creation time. */
const order = (claims: typeof CLINIC_A, provider: 'etpay' | 'skippay', id: string, minutes: number, status = 'pending') => {
  const owner = ownerOfClaims(claims);
  return {
    id: itemId.order(owner, provider, id),
    owner,
    owner_key: ownerKey(owner),
    provider,
    order_id: id,
    amount: 1000 + minutes,
    status,
    attempts: 1,
    created_at: at(minutes),
    updated_at: at(minutes),
    version: 1,
    expiration: Math.floor(Date.now() / 1000) + 3600,
  };
};

beforeAll(async () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const items = [
    // 250 orders of clinic A, one a minute, every fifth a SkipPay one, every seventh paid.
    ...Array.from({ length: 250 }, (_, i) => order(CLINIC_A, i % 5 === 0 ? 'skippay' : 'etpay', `A-${i}`, i, i % 7 === 0 ? 'paid' : 'pending')),
    // Clinic B's, interleaved in time, some with the same order ids.
    ...Array.from({ length: 40 }, (_, i) => ({ ...order(CLINIC_B, 'etpay', `A-${i}`, i * 5 + 1), amount: 7 })),
  ];
  for (let i = 0; i < items.length; i += 25) {
    await Promise.all(items.slice(i, i + 25).map((item) => documents.send(new PutCommand({ TableName: table.name, Item: item }))));
  }
  documents.destroy();
});

beforeEach(() => {
  setEnvironment({ STAGE: 'local', PAYMENTS_TABLE: table.name });
});

const RANGE = { from: at(-1), to: at(24 * 60) };

describe('GET /v1/payments', () => {
  it("pages through 250 orders of clinic A, newest first, without ever seeing clinic B's", async () => {
    const seen: { id: string; created_at: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await list({ ...RANGE, limit: '100', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.payments.length).toBeLessThanOrEqual(100);
      seen.push(...res.body.payments);
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor !== undefined && pages < 10);
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((p) => p.id)).size).toBe(250);
    expect(seen.map((p) => p.created_at)).toEqual([...seen.map((p) => p.created_at)].sort().reverse());
    expect(seen.every((p) => p.id.startsWith('A-'))).toBe(true);
    expect(seen.some((p) => (p as { amount?: number }).amount === 7)).toBe(false); // clinic B's amount
    expect(seen[0]).toEqual({
      provider: 'etpay',
      id: 'A-249',
      status: 'pending',
      paid: false,
      amount: 1249,
      provider_status: null,
      attempts: 1,
      created_at: at(249),
      updated_at: at(249),
    });
  });

  it('defaults to 50 a page', async () => {
    const res = await list(RANGE);
    expect(res.body.payments).toHaveLength(50);
    expect(res.body.next_cursor).toEqual(expect.any(String));
  });

  it('clinic B sees only its own 40', async () => {
    const res = await list({ ...RANGE, limit: '100' }, CLINIC_B);
    expect(res.body.payments).toHaveLength(40);
    expect(res.body).not.toHaveProperty('next_cursor');
  });

  it('filters by provider and status, across pages, without losing any', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await list({ ...RANGE, provider: 'skippay', status: 'paid', limit: '3', ...(cursor ? { cursor } : {}) });
      ids.push(...res.body.payments.map((p: { id: string }) => p.id));
      cursor = res.body.next_cursor;
    } while (cursor !== undefined);
    const expected = Array.from({ length: 250 }, (_, i) => i).filter((i) => i % 5 === 0 && i % 7 === 0).reverse().map((i) => `A-${i}`);
    expect(ids).toEqual(expected);
  });

  it('[from, to): from included, to excluded', async () => {
    const res = await list({ from: at(10), to: at(20), limit: '100' });
    expect(res.body.payments.map((p: { id: string }) => p.id)).toEqual(Array.from({ length: 10 }, (_, i) => `A-${19 - i}`));
  });

  it("a cursor naming clinic A's orders is refused for clinic B", async () => {
    const first = await list({ ...RANGE, limit: '10' });
    const res = await list({ ...RANGE, limit: '10', cursor: first.body.next_cursor }, CLINIC_B);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
  });

  it.each([
    { name: 'limit 0', query: { limit: '0' }, path: 'query.limit' },
    { name: 'limit 101', query: { limit: '101' }, path: 'query.limit' },
    { name: 'limit 1.5', query: { limit: '1.5' }, path: 'query.limit' },
    { name: 'from not a date', query: { from: 'yesterday' }, path: 'query.from' },
    { name: 'more than 31 days', query: { from: at(0), to: at(32 * 24 * 60) }, path: 'query.to' },
    { name: 'to before from', query: { from: at(10), to: at(5) }, path: 'query.to' },
    { name: 'an unknown status', query: { status: 'success' }, path: 'query.status' },
    { name: 'an unknown parameter', query: { page: '2' }, path: 'query.page' },
    { name: 'a made-up cursor', query: { cursor: encodeCursor({ id: 'order#x#etpay#1', created_at: at(0) }) }, path: 'query.cursor' },
    { name: 'a cursor that is not one', query: { cursor: '!!!' }, path: 'query.cursor' },
  ])('$name → 400 VALIDATION_ERROR at $path', async ({ query, path }) => {
    const res = await list(query as unknown as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ path, message: expect.any(String) });
  });

  describe('a hostile or careless cursor → 400 on query.cursor, never a 500, never another owner\'s rows', () => {
    const own = (id: string, minutes: number) => encodeCursor({ id: itemId.order(ownerOfClaims(CLINIC_A), 'etpay', id), created_at: at(minutes) });
    const expectCursorRefused = (res: Answer) => {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'query.cursor', message: expect.any(String) }] });
    };

    it('a cursor of one range reused with a range it lies outside of', async () => {
      const first = await list({ from: at(100), to: at(200), limit: '10' });
      expect(first.body.next_cursor).toEqual(expect.any(String));
      expectCursorRefused(await list({ from: at(0), to: at(50), limit: '10', cursor: first.body.next_cursor }));
      expectCursorRefused(await list({ from: at(195), to: at(300), limit: '10', cursor: first.body.next_cursor }));
    });

    it('an own-looking cursor edited to a time outside the range', async () => {
      expectCursorRefused(await list({ ...RANGE, cursor: own('A-1', 10 * 24 * 60) }));
      expectCursorRefused(await list({ ...RANGE, cursor: own('A-1', -10) }));
    });

    it.each([
      { name: 'truncated', cursor: (c: string) => c.slice(0, Math.floor(c.length / 2)) },
      { name: 'one character changed', cursor: (c: string) => `${c.slice(0, 10)}${c[10] === 'A' ? 'B' : 'A'}${c.slice(11)}` },
      { name: 'standard base64 with padding', cursor: (c: string) => `${Buffer.from(c, 'base64url').toString('base64')}==` },
      { name: 'JSON that is not an object', cursor: () => Buffer.from('[1,2,3]').toString('base64url') },
      { name: 'an extra field', cursor: (c: string) => Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(c, 'base64url').toString()), owner_key: 'x' })).toString('base64url') },
      { name: 'a 1 MB cursor', cursor: () => 'A'.repeat(1_000_000) },
      { name: 'just over the limit', cursor: () => 'A'.repeat(1025) },
    ])('$name', async ({ cursor }) => {
      const first = await list({ ...RANGE, limit: '10' });
      const res = await list({ ...RANGE, limit: '10', cursor: cursor(first.body.next_cursor as string) });
      if (res.status === 200) {
        // Decoding may, by chance, still name one of A's own orders: then only A's rows.
        expect(res.body.payments.every((p: { id: string }) => p.id.startsWith('A-'))).toBe(true);
      } else expectCursorRefused(res);
    });

    it("clinic B's own cursor prefix with clinic A's order ids: still only B's rows", async () => {
      const forged = encodeCursor({ id: itemId.order(ownerOfClaims(CLINIC_B), 'etpay', 'A-100'), created_at: at(100) });
      const res = await list({ ...RANGE, limit: '100', cursor: forged }, CLINIC_B);
      expect(res.status).toBe(200);
      expect(res.body.payments.every((p: { amount: number }) => p.amount === 7)).toBe(true);
    });
  });

  it('no verified claims → 401 UNAUTHORIZED', async () => {
    const res = await list(RANGE, null);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });
});

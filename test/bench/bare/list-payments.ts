// Bare GET /v1/payments: the same query rules (provider, status, [from, to) of at most 31 days, limit 1-100
// default 50, an opaque cursor only this owner was handed), the same Query of the orders-by-owner index
// (newest first, filters in the FilterExpression, up to 10 queries per page) and the same answer as ours,
// hand-written.
import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { callerOf, ConfigError, type Detail, dynamoClient, env, fail, logged, requestIdOf, respond, type Result } from './common.ts';
import { ownerKeyOf, type Item } from './payment-state.ts';

const QUERY_KEYS = new Set(['provider', 'status', 'from', 'to', 'limit', 'cursor']);
const PROVIDERS = new Set(['etpay', 'skippay']);
const STATUSES = new Set(['pending', 'paid', 'failed', 'needs_review']);
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_RANGE_MS = 31 * DAY_MS;
const MAX_QUERIES_PER_PAGE = 10;
// zod 4's ISO date-time with a required offset (z.iso.datetime({ offset: true })), so both accept the same.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

const instant = (value: string | undefined, path: string, problems: Detail[]): string | undefined => {
  if (value === undefined) return undefined;
  const ms = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) return void problems.push({ path, message: 'must be an ISO 8601 date-time with a time zone' });
  return new Date(ms).toISOString();
};

/** The cursor's key, or undefined: only ever one this route handed to this owner. */
const decodeCursor = (cursor: string, owner: string): { id: string; created_at: string } | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { id, created_at: createdAt, ...rest } = json as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof id !== 'string' || id.length < 1 || id.length > 512) return undefined;
  if (typeof createdAt !== 'string' || !ISO_UTC.test(createdAt) || !id.startsWith(`order#${ownerKeyOf(owner)}#`)) return undefined;
  return { id, created_at: createdAt };
};

const viewOf = (item: Item) => {
  const view = {
    provider: item.provider?.S,
    id: item.order_id?.S,
    status: item.status?.S,
    paid: item.status?.S === 'paid',
    amount: item.amount?.N === undefined ? undefined : Number(item.amount.N),
    provider_status: item.provider_status?.S ?? null,
    attempts: item.attempts?.N === undefined ? undefined : Number(item.attempts.N),
    created_at: item.created_at?.S,
    updated_at: item.updated_at?.S,
  };
  if (Object.values(view).some((value) => value === undefined)) throw new Error('state: malformed order item');
  return view;
};

const handle = async (event: APIGatewayProxyEventV2, context: Context): Promise<Result> => {
  const requestId = requestIdOf(event, context);
  try {
    const query = event.queryStringParameters ?? {};
    const problems: Detail[] = [];
    for (const key of Object.keys(query)) if (!QUERY_KEYS.has(key)) problems.push({ path: `query.${key}`, message: 'unknown field' });
    const { provider, status, cursor } = query;
    if (provider !== undefined && !PROVIDERS.has(provider)) problems.push({ path: 'query.provider', message: 'unknown provider' });
    if (status !== undefined && !STATUSES.has(status)) problems.push({ path: 'query.status', message: 'unknown status' });
    const from = instant(query.from, 'query.from', problems);
    const to = instant(query.to, 'query.to', problems);
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) problems.push({ path: 'query.limit', message: 'must be an integer from 1 to 100' });
    if (cursor !== undefined && (cursor.length < 1 || cursor.length > 1024)) problems.push({ path: 'query.cursor', message: 'must be 1-1024 characters' });
    if (from !== undefined && to !== undefined) {
      if (from >= to) problems.push({ path: 'query.to', message: 'must be after from' });
      else if (Date.parse(to) - Date.parse(from) > MAX_RANGE_MS) problems.push({ path: 'query.to', message: 'must be at most 31 days after from' });
    }
    if (problems.length > 0) return fail(400, 'VALIDATION_ERROR', requestId, problems);

    const owner = callerOf(event);
    if (owner === '') return fail(401, 'UNAUTHORIZED', requestId);
    const start = cursor === undefined ? undefined : decodeCursor(cursor, owner);
    if (cursor !== undefined && start === undefined) {
      return fail(400, 'VALIDATION_ERROR', requestId, [{ path: 'query.cursor', message: 'is not a cursor this API handed out' }]);
    }
    // [from, to): both given, or the missing end 31 days from the other, or the last 31 days.
    const end = to ?? (from === undefined ? new Date(Date.now() + 1).toISOString() : new Date(Date.parse(from) + MAX_RANGE_MS).toISOString());
    const begin = from ?? new Date(Date.parse(end) - MAX_RANGE_MS).toISOString();
    const partition = ownerKeyOf(owner);
    const filters: string[] = [];
    const names: Record<string, string> = { '#owner': 'owner_key', '#created': 'created_at' };
    const values: Record<string, AttributeValue> = {
      ':owner': { S: partition },
      ':from': { S: begin },
      ':upper': { S: new Date(Date.parse(end) - 1).toISOString() },
    };
    if (provider !== undefined) {
      filters.push('#provider = :provider');
      names['#provider'] = 'provider';
      values[':provider'] = { S: provider };
    }
    if (status !== undefined) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = { S: status };
    }
    let exclusiveStart: Item | undefined = start && { id: { S: start.id }, owner_key: { S: partition }, created_at: { S: start.created_at } };
    const payments: ReturnType<typeof viewOf>[] = [];
    for (let round = 0; round < MAX_QUERIES_PER_PAGE && payments.length < limit; round++) {
      const page = await dynamoClient().send(
        new QueryCommand({
          TableName: env('PAYMENTS_TABLE'),
          IndexName: 'orders-by-owner',
          KeyConditionExpression: '#owner = :owner AND #created BETWEEN :from AND :upper',
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: limit - payments.length,
          ...(exclusiveStart ? { ExclusiveStartKey: exclusiveStart } : {}),
        }),
      );
      for (const item of page.Items ?? []) payments.push(viewOf(item));
      exclusiveStart = page.LastEvaluatedKey;
      if (!exclusiveStart) break;
    }
    const nextCursor =
      exclusiveStart === undefined
        ? undefined
        : Buffer.from(JSON.stringify({ id: exclusiveStart.id?.S, created_at: exclusiveStart.created_at?.S })).toString('base64url');
    return respond(200, { payments, ...(nextCursor ? { next_cursor: nextCursor } : {}) }, requestId);
  } catch (error) {
    return fail(500, error instanceof ConfigError ? 'CONFIGURATION_ERROR' : 'INTERNAL_ERROR', requestId);
  }
};

export const handler = logged(handle);

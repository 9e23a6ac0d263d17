// An owner's orders by creation time, newest first, through the orders-by-owner index (never a scan).
// The cursor is opaque to clinics but carries only the last order's id and creation time: the index's
// partition (the owner) is always rebuilt from the caller, so no cursor can reach another owner's orders.
import * as z from 'zod/mini';
import { ApiError } from '../errors.ts';
import { ORDERS_BY_OWNER_INDEX, ownerKey, PAYMENTS_TABLE_PARTITION_KEY, type PaymentProvider } from './keys.ts';
import { parseOrder, type OrderRecord } from './orders.ts';
import { queryItems, type StateItem } from './table.ts';
import type { OrderStatus } from './transitions.ts';

export interface OrderQuery {
  owner: string;
  /** Inclusive, ISO 8601 UTC with milliseconds. */
  from: string;
  /** Exclusive. */
  to: string;
  limit: number;
  provider?: PaymentProvider | undefined;
  status?: OrderStatus | undefined;
  cursor?: string | undefined;
}

/** Queries per page at most when filters skip many orders: the page then ends early, with a cursor. */
const MAX_QUERIES_PER_PAGE = 10;

const cursorShape = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(512)), created_at: z.iso.datetime() });

export const encodeCursor = (key: { id: string; created_at: string }): string =>
  Buffer.from(JSON.stringify({ id: key.id, created_at: key.created_at })).toString('base64url');

/**
 * The cursor's key, or VALIDATION_ERROR: a cursor is only ever one this route handed out to this owner, for
 * a range it lies in. DynamoDB refuses a start key outside the query's bounds (ValidationException), so a
 * cursor reused with another `from`/`to`, or edited, is refused here as the caller's error, never a 500.
 */
export const decodeCursor = (cursor: string, owner: string, range: { from: string; upper: string }): { id: string; created_at: string } => {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = cursorShape.safeParse(json);
  const refused = (message: string) =>
    new ApiError('VALIDATION_ERROR', { details: [{ path: 'query.cursor', message }] });
  // An order id starts with the owner's key; anything else was not handed to this caller.
  if (!parsed.success || !parsed.data.id.startsWith(`order#${ownerKey(owner)}#`)) throw refused('is not a cursor this API handed out');
  const { created_at: createdAt } = parsed.data;
  // Sort keys are toISOString() text: only that exact form compares as time, and only inside [from, to).
  const canonical = new Date(createdAt).toISOString() === createdAt;
  if (!canonical || createdAt < range.from || createdAt > range.upper) throw refused('belongs to another from/to range: keep the same query while paging');
  return parsed.data;
};

/** One page of the owner's orders and, while more may exist, the cursor of the next page. */
export const listOrders = async (table: string, query: OrderQuery): Promise<{ orders: OrderRecord[]; nextCursor: string | undefined }> => {
  const { partitionKey, sortKey, name } = ORDERS_BY_OWNER_INDEX;
  const ownerPartition = ownerKey(query.owner);
  // [from, to) on millisecond ISO strings: BETWEEN is inclusive, so the upper bound is `to` less 1 ms.
  const upper = new Date(Date.parse(query.to) - 1).toISOString();
  const filters: string[] = [];
  const names: Record<string, string> = { '#owner': partitionKey, '#created': sortKey };
  const values: Record<string, unknown> = { ':owner': ownerPartition, ':from': query.from, ':upper': upper };
  if (query.provider) {
    filters.push('#provider = :provider');
    names['#provider'] = 'provider';
    values[':provider'] = query.provider;
  }
  if (query.status) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = query.status;
  }
  const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.owner, { from: query.from, upper });
  let exclusiveStart: StateItem | undefined = start && {
    [PAYMENTS_TABLE_PARTITION_KEY]: start.id,
    [partitionKey]: ownerPartition,
    [sortKey]: start.created_at,
  };

  const orders: OrderRecord[] = [];
  for (let round = 0; round < MAX_QUERIES_PER_PAGE && orders.length < query.limit; round += 1) {
    // Limit counts items read before the filter, so asking for what is missing never overfills the page
    // and the last evaluated key is always a safe place to resume.
    const page = await queryItems({
      TableName: table,
      IndexName: name,
      KeyConditionExpression: '#owner = :owner AND #created BETWEEN :from AND :upper',
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: query.limit - orders.length,
      ...(exclusiveStart ? { ExclusiveStartKey: exclusiveStart } : {}),
    });
    orders.push(...page.items.map(parseOrder));
    exclusiveStart = page.lastKey;
    if (!exclusiveStart) break;
  }
  const nextCursor =
    exclusiveStart === undefined
      ? undefined
      : encodeCursor({ id: String(exclusiveStart[PAYMENTS_TABLE_PARTITION_KEY]), created_at: String(exclusiveStart[sortKey]) });
  return { orders, nextCursor };
};

// The listing reads the orders-by-owner index with Query, never the table with Scan, and the partition it
// reads is always the caller's, whatever cursor it is handed.
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ORDERS_BY_OWNER_INDEX, itemId, ownerKey } from '#shared/state/keys.ts';
import { encodeCursor, listOrders } from '#shared/state/order-listing.ts';
import { resetStateClient } from '#shared/state/table.ts';
import { setEnvironment } from '../../support/env.ts';

const documents = mockClient(DynamoDBDocumentClient);
afterAll(() => documents.restore());
beforeEach(() => {
  documents.reset();
  resetStateClient();
  setEnvironment({ AWS_REGION: 'us-east-1' });
});

const OWNER = 'https://issuer.test|clinic-a';
const query = { owner: OWNER, from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', limit: 10 };

describe('listOrders', () => {
  it('queries the index, newest first, in [from, to), for the caller\'s partition only', async () => {
    documents.on(QueryCommand).resolves({ Items: [] });
    await listOrders('payments', query);
    expect(documents.commandCalls(ScanCommand)).toHaveLength(0);
    const [call] = documents.commandCalls(QueryCommand);
    expect(call?.args[0].input).toMatchObject({
      TableName: 'payments',
      IndexName: ORDERS_BY_OWNER_INDEX.name,
      ScanIndexForward: false,
      Limit: 10,
      ExpressionAttributeValues: { ':owner': ownerKey(OWNER), ':from': query.from, ':upper': '2026-11-01T23:59:59.999Z' },
    });
  });

  it('resumes from a cursor under the caller\'s own partition', async () => {
    documents.on(QueryCommand).resolves({ Items: [] });
    const cursor = encodeCursor({ id: itemId.order(OWNER, 'etpay', 'OC-1'), created_at: '2026-11-01T10:00:00.000Z' });
    await listOrders('payments', { ...query, cursor });
    expect(documents.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual({
      id: itemId.order(OWNER, 'etpay', 'OC-1'),
      [ORDERS_BY_OWNER_INDEX.partitionKey]: ownerKey(OWNER),
      [ORDERS_BY_OWNER_INDEX.sortKey]: '2026-11-01T10:00:00.000Z',
    });
  });

  it('stops after a bounded number of queries when filters skip everything, handing back a cursor', async () => {
    const lastKey = { id: itemId.order(OWNER, 'etpay', 'OC-9'), owner_key: ownerKey(OWNER), created_at: '2026-11-01T09:00:00.000Z' };
    documents.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: lastKey });
    const page = await listOrders('payments', { ...query, status: 'paid' });
    expect(page.orders).toEqual([]);
    expect(page.nextCursor).toBe(encodeCursor(lastKey));
    expect(documents.commandCalls(QueryCommand)).toHaveLength(10);
  });
});

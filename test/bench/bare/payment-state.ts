// Bare payment state: the same items, reads and conditional writes as shared/state/ (table.ts,
// orders.ts) on the payments table, with the DynamoDB client directly and the attributes
// marshalled by hand.
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { dynamoClient, env } from './common.ts';

export type Item = Record<string, AttributeValue>;

/** Provider records and the latest state per order live 90 days after their last write. */
export const RECORD_SECONDS = 90 * 24 * 60 * 60;
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Nothing live under the id: an expired item (TTL deletion runs late) counts as absent. */
const ABSENT = 'attribute_not_exists(#id) OR #expiration <= :now';
const ABSENT_NAMES = { '#id': 'id', '#expiration': 'expiration' };

const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The item with that id, or undefined when it is absent or past its expiration. */
export const getLive = async (id: string): Promise<Item | undefined> => {
  const { Item: item } = await dynamoClient().send(new GetItemCommand({ TableName: env('PAYMENTS_TABLE'), Key: { id: { S: id } }, ConsistentRead: true }));
  if (!item) return undefined;
  const expiration = item.expiration?.N;
  return expiration !== undefined && Number(expiration) <= nowSeconds() ? undefined : item;
};

/**
 * Writes a provider record unless a live one has its id, and applies its effects only then: true, or
 * false for a replay. If the effects fail, the record is removed again and the error goes on.
 */
export const recordOnce = async (record: Item & { id: { S: string } }, effects: () => Promise<void>): Promise<boolean> => {
  const TableName = env('PAYMENTS_TABLE');
  try {
    await dynamoClient().send(
      new PutItemCommand({
        TableName,
        Item: record,
        ConditionExpression: ABSENT,
        ExpressionAttributeNames: ABSENT_NAMES,
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds()) } },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
  try {
    await effects();
  } catch (error) {
    await dynamoClient().send(new DeleteItemCommand({ TableName, Key: { id: record.id } })).catch(() => undefined);
    throw error;
  }
  return true;
};

/** The order's item id (shared/state/keys.ts): the owner's fixed-length key, the provider, the order id. */
export const orderItemId = (owner: string, provider: 'etpay' | 'skippay', id: string): string =>
  `order#${createHash('sha256').update(owner).digest('base64url')}#${provider}#${id}`;

/** Rewrites an item under the version it was read at (optimistic concurrency, as shared/state/orders.ts). */
const putAtVersion = async (item: Item): Promise<void> => {
  const version = Number(item.version?.N ?? '0');
  await dynamoClient().send(
    new PutItemCommand({
      TableName: env('PAYMENTS_TABLE'),
      Item: { ...item, version: { N: String(version + 1) }, updated_at: { S: new Date().toISOString() } },
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': { N: String(version) } },
    }),
  );
};

/**
 * One result about one attempt, as recordAttemptResult does it: the attempt (a success stays a success),
 * then its order (paid never reverts; paid only for the order's amount, else needs_review).
 */
export const recordAttemptResult = async (attempt: Item, outcome: 'success' | 'failure' | 'pending', status: string, amount: number): Promise<void> => {
  if (attempt.status?.S !== 'succeeded') {
    const next = outcome === 'success' ? 'succeeded' : outcome === 'failure' ? 'failed' : 'pending';
    await putAtVersion({ ...attempt, status: { S: next }, provider_status: { S: status }, ...(outcome === 'success' ? { paid_amount: { N: String(amount) } } : {}) });
  }
  const orderId = attempt.order?.S;
  const order = orderId === undefined ? undefined : await getLive(orderId);
  if (!order || order.status?.S === 'paid') return;
  const orderStatus =
    outcome === 'success' ? (String(amount) === order.amount?.N ? 'paid' : 'needs_review') : order.status?.S === 'needs_review' ? 'needs_review' : outcome === 'failure' ? 'failed' : 'pending';
  await putAtVersion({ ...order, status: { S: orderStatus }, provider_status: { S: status } });
};

// Bare payment state: the same items, reads and conditional writes as shared/state/ (table.ts,
// orders.ts) on the payments table, with the DynamoDB client directly and the attributes
// marshalled by hand. Opening an order and adding its attempt (issue 17) make the same calls as ours:
// a conditional put of the order (a read of it when it exists), a conditional put of the attempt, and
// the order's count re-written under its version (a read and a conditional put).
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { dynamoClient, env } from './common.ts';

export type Item = Record<string, AttributeValue>;

/** Provider records and the latest state per order live 90 days after their last write. */
export const RECORD_SECONDS = 90 * 24 * 60 * 60;
/** An ETpay session (attempt) carries its signature key: 7 days. */
const ETPAY_ATTEMPT_SECONDS = 7 * 24 * 60 * 60;
/** A new attempt is due for its first status pull 2 minutes after its creation (the due-attempts index). */
const FIRST_CHECK_MS = 2 * 60_000;
/** Read-modify-write rounds before giving up on a hot item. */
const ROUNDS = 5;
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

/** The owner's fixed-length key (shared/state/keys.ts), the orders-by-owner index's partition. */
export const ownerKeyOf = (owner: string): string => createHash('sha256').update(owner).digest('base64url');

/** The order's item id (shared/state/keys.ts): the owner's fixed-length key, the provider, the order id. */
export const orderItemId = (owner: string, provider: 'etpay' | 'skippay', id: string): string => `order#${ownerKeyOf(owner)}#${provider}#${id}`;

/** Puts a new item unless one has its id: false when one does. */
const putNew = async (item: Item): Promise<boolean> => {
  try {
    await dynamoClient().send(
      new PutItemCommand({ TableName: env('PAYMENTS_TABLE'), Item: item, ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** The owner's order as it is, or created (pending, this amount, no attempts, in the listing index). */
export const openOrder = async (
  owner: string,
  provider: 'etpay' | 'skippay',
  id: string,
  amount: number,
  providerStatus: string | undefined,
): Promise<{ order: Item; created: boolean }> => {
  const now = new Date().toISOString();
  const item: Item = {
    id: { S: orderItemId(owner, provider, id) },
    owner: { S: owner },
    provider: { S: provider },
    order_id: { S: id },
    amount: { N: String(amount) },
    status: { S: 'pending' },
    ...(providerStatus === undefined ? {} : { provider_status: { S: providerStatus } }),
    attempts: { N: '0' },
    created_at: { S: now },
    updated_at: { S: now },
    version: { N: '1' },
    owner_key: { S: ownerKeyOf(owner) },
    expiration: { N: String(nowSeconds() + RECORD_SECONDS) },
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (await putNew(item)) return { order: item, created: true };
    const existing = await getLive(item.id?.S ?? '');
    if (existing) return { order: existing, created: false };
  }
  throw new Error('state: order kept changing while opened');
};

/** A new attempt on the order (due for its first status pull), then the order's count and latest attempt. */
export const addAttempt = async (
  order: Item,
  provider: 'etpay' | 'skippay',
  providerId: string,
  amount: number,
  extra: { providerStatus?: string | undefined; signatureToken?: string },
): Promise<void> => {
  const created = new Date();
  const now = created.toISOString();
  const orderId = order.id?.S ?? '';
  const attempt: Item = {
    id: { S: `attempt#${provider}#${providerId}` },
    provider: { S: provider },
    provider_id: { S: providerId },
    owner: { S: order.owner?.S ?? '' },
    order: { S: orderId },
    order_id: { S: order.order_id?.S ?? '' },
    amount: { N: String(amount) },
    status: { S: 'pending' },
    ...(extra.providerStatus === undefined ? {} : { provider_status: { S: extra.providerStatus } }),
    created_at: { S: now },
    updated_at: { S: now },
    version: { N: '1' },
    ...(extra.signatureToken === undefined ? {} : { signature_token: { S: extra.signatureToken } }),
    due_shard: { S: `due#${provider}` },
    next_check_at: { S: new Date(created.getTime() + FIRST_CHECK_MS).toISOString() },
    due_checks: { N: '0' },
    expiration: { N: String(nowSeconds() + (provider === 'etpay' ? ETPAY_ATTEMPT_SECONDS : RECORD_SECONDS)) },
  };
  if (!(await putNew(attempt))) {
    // The provider handed out the same id again: kept if it is this order's, never taken over.
    const existing = await getLive(attempt.id?.S ?? '');
    if (existing?.order?.S === orderId) return;
    throw new Error('state: attempt id of another order');
  }
  for (let round = 0; round < ROUNDS; round++) {
    const current = await getLive(orderId);
    if (!current) return;
    try {
      await putAtVersion({ ...current, attempts: { N: String(Number(current.attempts?.N ?? '0') + 1) }, latest_attempt: { S: providerId } });
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new Error('state: order kept changing while updated');
};

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

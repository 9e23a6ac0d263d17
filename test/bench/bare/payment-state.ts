// Bare payment state: the same items, reads and conditional writes as shared/state/ (table.ts,
// payment-state.ts) on the payments table, with the DynamoDB client directly and the attributes
// marshalled by hand.
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
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

/** An order's latest state. `paid` is sticky: an unpaid result never overwrites a paid one. */
export const recordPaymentState = async (provider: 'etpay' | 'skippay', id: string, status: string, paid: boolean): Promise<void> => {
  const Item: Item = {
    id: { S: `${provider}-order#${id}` },
    status: { S: status },
    paid: { BOOL: paid },
    updated_at: { S: new Date().toISOString() },
    expiration: { N: String(nowSeconds() + RECORD_SECONDS) },
  };
  const TableName = env('PAYMENTS_TABLE');
  if (paid) {
    await dynamoClient().send(new PutItemCommand({ TableName, Item }));
    return;
  }
  try {
    await dynamoClient().send(
      new PutItemCommand({
        TableName,
        Item,
        ConditionExpression: `${ABSENT} OR #paid = :unpaid`,
        ExpressionAttributeNames: { ...ABSENT_NAMES, '#paid': 'paid' },
        ExpressionAttributeValues: { ':now': { N: String(nowSeconds()) }, ':unpaid': { BOOL: false } },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
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

// Reads and writes of the payment-state table (design in keys.ts). The client is built on first use, not
// at import; the SDK honours AWS_ENDPOINT_URL_DYNAMODB and AWS_REGION by itself.
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ApiError, isApiError } from '../errors.ts';
import { dynamoClient, resetDynamoClient } from './client.ts';
import { PAYMENTS_TABLE_PARTITION_KEY as KEY, PAYMENTS_TABLE_TTL_ATTRIBUTE as TTL } from './keys.ts';

export type StateItem = Record<string, unknown>;

let documents: DynamoDBDocumentClient | undefined;

const documentClient = (): DynamoDBDocumentClient =>
  (documents ??= DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } }));

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
export const expiresIn = (seconds: number): number => nowSeconds() + seconds;

// A store failure is ours, not the caller's: DEPENDENCY_UNAVAILABLE as the client classified it (transient,
// shared/aws/dependency.ts), else INTERNAL_ERROR, with the SDK error's name for on-call.
const stateError = (operation: string, error: unknown): ApiError =>
  isApiError(error) ? error : new ApiError('INTERNAL_ERROR', {
    reason: `state: ${operation} failed (${error instanceof Error ? error.name : 'unknown'})`,
    cause: error,
  });

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The item, or undefined when it is absent or past its expiry: TTL deletion runs up to days late, so
 * an expired item must read as gone here.
 */
export const getItem = async (table: string, id: string): Promise<StateItem | undefined> => {
  let item: StateItem | undefined;
  try {
    ({ Item: item } = await documentClient().send(new GetCommand({ TableName: table, Key: { [KEY]: id }, ConsistentRead: true })));
  } catch (error) {
    throw stateError('GetItem', error);
  }
  if (!item) return undefined;
  const expiration = item[TTL];
  return typeof expiration === 'number' && expiration <= nowSeconds() ? undefined : item;
};

export interface WriteCondition {
  /** A ConditionExpression; every name and value it uses, and only those (DynamoDB refuses extras). */
  expression: string;
  names: Record<string, string>;
  values?: Record<string, unknown>;
}

/** Nothing live is stored under the id: an expired item counts as absent. */
export const absent = (): WriteCondition => ({
  expression: 'attribute_not_exists(#id) OR #expiration <= :now',
  names: { '#id': KEY, '#expiration': TTL },
  values: { ':now': nowSeconds() },
});

/**
 * Writes the whole item (`id` and `expiration` included). With a condition, answers false instead of
 * writing when the condition does not hold.
 */
export const putItem = async (table: string, item: StateItem, condition?: WriteCondition): Promise<boolean> => {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: table,
        Item: item,
        ...(condition
          ? {
              ConditionExpression: condition.expression,
              ExpressionAttributeNames: condition.names,
              ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
            }
          : {}),
      }),
    );
    return true;
  } catch (error) {
    if (condition && isConditionFailure(error)) return false;
    throw stateError('PutItem', error);
  }
};

/** Writes the item only if nothing live has that id: true when this call wrote it. */
const putItemOnce = (table: string, item: StateItem): Promise<boolean> => putItem(table, item, absent());

const deleteItem = async (table: string, id: string): Promise<void> => {
  try {
    await documentClient().send(new DeleteCommand({ TableName: table, Key: { [KEY]: id } }));
  } catch (error) {
    throw stateError('DeleteItem', error);
  }
};

/**
 * Writes a provider record once (its `id` says what it is) and applies its effects only on that first
 * write: true then, false for a replay. If the effects fail, the record is removed again so the
 * provider's retry is not mistaken for a replay.
 */
export const recordOnce = async (table: string, record: StateItem & { id: string }, effects: () => Promise<void>): Promise<boolean> => {
  if (!(await putItemOnce(table, record))) return false;
  try {
    await effects();
  } catch (error) {
    await deleteItem(table, record.id).catch(() => undefined);
    throw error;
  }
  return true;
};

/**
 * The item's `version` is still `expected` (0: no live item yet, so an expired one TTL has not deleted is
 * replaced): optimistic concurrency for read-modify-write.
 */
export const atVersion = (expected: number): WriteCondition =>
  expected === 0 ? absent() : { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': expected } };

/**
 * Updates a few attributes in place (`update` is an UpdateExpression) when the condition holds: true when
 * written, false when the condition did not hold. For attributes outside an item's versioned state (the
 * due-attempts schedule, the refresh rate limit), so no reader's versioned rewrite is disturbed.
 */
export const updateItem = async (
  table: string,
  id: string,
  change: { update: string; names: Record<string, string>; values?: Record<string, unknown> },
  condition: WriteCondition,
): Promise<boolean> => {
  const values = { ...change.values, ...condition.values };
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table,
        Key: { [KEY]: id },
        UpdateExpression: change.update,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: { ...change.names, ...condition.names },
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw stateError('UpdateItem', error);
  }
};

export interface QueryPage {
  items: StateItem[];
  lastKey: StateItem | undefined;
}

/** One page of a Query (on an index, never a scan of the table). */
export const queryItems = async (input: Omit<QueryCommandInput, 'TableName'> & { TableName: string }): Promise<QueryPage> => {
  try {
    const { Items = [], LastEvaluatedKey } = await documentClient().send(new QueryCommand(input));
    return { items: Items, lastKey: LastEvaluatedKey };
  } catch (error) {
    throw stateError('Query', error);
  }
};

/** Tests only: a new container's clients, so an endpoint set by a test applies. */
export const resetStateClient = (): void => {
  resetDynamoClient();
  documents = undefined;
};

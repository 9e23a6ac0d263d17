// Bare Idempotency-Key for POST /v1/orders: the same records Powertools Idempotency keeps (a conditional
// INPROGRESS put, the answer stored on success, the record deleted on failure, replay/conflict/reuse on
// a second call), written with the DynamoDB client directly.
import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoClient, env, sha256, sortedJson } from './common.ts';

const DAY_SECONDS = 24 * 60 * 60;
const CONDITION =
  'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)';

export type Once<T> = { run: true; done: (answer: T) => Promise<void>; failed: () => Promise<void> } | { run: false; replay?: T; conflict?: 409 | 422 };

export const claimKey = async <T>(functionName: string, caller: string, key: string, body: unknown, context: Context | undefined): Promise<Once<T>> => {
  const table = env('PAYMENTS_TABLE');
  const id: AttributeValue = { S: `idempotency#${functionName}#${sha256(JSON.stringify([caller, key]))}` };
  const validation: AttributeValue = { S: sha256(sortedJson(body)) };
  const now = Date.now();
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
  const expiry = { N: String(Math.floor(now / 1000) + DAY_SECONDS) };
  try {
    await dynamoClient().send(
      new PutItemCommand({
        TableName: table,
        Item: { id, expiration: expiry, status: { S: 'INPROGRESS' }, in_progress_expiration: { N: String(now + remaining) }, validation },
        ConditionExpression: CONDITION,
        ExpressionAttributeNames: { '#id': 'id', '#expiry': 'expiration', '#status': 'status', '#in_progress_expiry': 'in_progress_expiration' },
        ExpressionAttributeValues: { ':now': { N: String(now / 1000) }, ':now_in_millis': { N: String(now) }, ':inprogress': { S: 'INPROGRESS' } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
    // DynamoDB returns the existing item with the failure; where it does not (dynalite), read it.
    const old =
      (error as { Item?: Record<string, AttributeValue> }).Item ??
      (await dynamoClient().send(new GetItemCommand({ TableName: table, Key: { id }, ConsistentRead: true }))).Item;
    if (old?.validation?.S !== validation.S) return { run: false, conflict: 422 };
    if (old?.status?.S === 'COMPLETED' && old.data?.S !== undefined) return { run: false, replay: JSON.parse(old.data.S) as T };
    return { run: false, conflict: 409 };
  }
  return {
    run: true,
    done: async (answer) => {
      await dynamoClient().send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id },
          UpdateExpression: 'SET #expiry = :expiry, #status = :status, #data = :data, #validation = :validation',
          ExpressionAttributeNames: { '#expiry': 'expiration', '#status': 'status', '#data': 'data', '#validation': 'validation' },
          ExpressionAttributeValues: { ':expiry': expiry, ':status': { S: 'COMPLETED' }, ':data': { S: JSON.stringify(answer) }, ':validation': validation },
        }),
      );
    },
    failed: async () => {
      await dynamoClient().send(new DeleteItemCommand({ TableName: table, Key: { id } }));
    },
  };
};

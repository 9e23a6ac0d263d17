// Keyed requests whose outcome at the provider we cannot know: SkipPay order creation is not idempotent, so
// after a timeout, a reset or a 5xx the order may or may not exist, and a retry (same Idempotency-Key, hence
// the same reference) may create a second one. Each such outcome is recorded under the request's reference
// (what SkipPay also keeps), so reconciliation can group SkipPay orders by reference and tell a duplicate
// from a second purchase. Written with the raw DynamoDB client: create-order bundles no document client.
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { isApiError, type ErrorCode } from '../errors.ts';
import { logger } from '../observability/logger.ts';
import { dynamoClient } from './client.ts';
import { itemId, PAYMENTS_TABLE_PARTITION_KEY, PAYMENTS_TABLE_TTL_ATTRIBUTE, RETENTION_SECONDS } from './keys.ts';

/**
 * Failures after which the provider may have acted: it did not answer in time, answered 5xx, dropped the
 * connection, or answered 2xx with a body we could not use. Not: refusals (4xx, 401/403), configuration or
 * secret failures, validation: those sent nothing, or were told "no".
 */
const UNCERTAIN: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_BAD_RESPONSE', 'INTERNAL_ERROR']);

/** Errors whose outcome the call itself already recorded (ORDER_NOT_RECORDED): not recorded again. */
const alreadyRecorded = new WeakSet<object>();

/** The outcome to record for an error the keyed call ended in, or undefined when it is certain or recorded. */
export const uncertainOutcomeOf = (error: unknown): ErrorCode | undefined => {
  if (typeof error === 'object' && error !== null && alreadyRecorded.has(error)) return undefined;
  const code = isApiError(error) ? error.code : 'INTERNAL_ERROR';
  return UNCERTAIN.has(code) ? code : undefined;
};

/** The answer was produced (the provider acted, and our order is recorded) but could not be stored under its key. */
export const ANSWER_NOT_STORED = 'ANSWER_NOT_STORED';

/**
 * The provider acted (its answer names what it created) but our own record of it (the order, its attempt)
 * failed: the caller got an error, so the provider holds an order this API does not know.
 */
export const ORDER_NOT_RECORDED = 'ORDER_NOT_RECORDED';

export interface UncertainOutcome {
  table: string;
  functionName: string;
  reference: string;
  /** Identifies the key without storing it: sha256 of caller and key. Absent for a request without a key. */
  keyHash?: string | undefined;
  outcome: ErrorCode | typeof ANSWER_NOT_STORED | typeof ORDER_NOT_RECORDED;
  /** What the provider answered, when the answer exists (ANSWER_NOT_STORED, ORDER_NOT_RECORDED). */
  orderToken?: string | undefined;
}

export const keyHashOf = (caller: string, key: string): string => createHash('sha256').update(`${caller}\u0000${key}`).digest('hex');

/**
 * Adds one uncertain outcome to the reference's record (count, first and last time, last outcome). Never
 * throws: when the table itself is down the log line is the record (no personal data in it).
 */
export const recordUncertainOutcome = async (record: UncertainOutcome): Promise<void> => {
  const now = new Date().toISOString();
  const nowSeconds = Math.floor(Date.now() / 1000);
  const id = itemId.uncertainOutcome(record.functionName, record.reference);
  const names = {
    '#id': PAYMENTS_TABLE_PARTITION_KEY,
    '#reference': 'reference',
    '#key': 'key_hash',
    '#last': 'last_outcome',
    '#lastAt': 'last_at',
    '#firstAt': 'first_at',
    '#exp': PAYMENTS_TABLE_TTL_ATTRIBUTE,
    '#count': 'outcomes',
    '#tokens': 'order_tokens',
  };
  const values = {
    ':reference': { S: record.reference },
    ':key': { S: record.keyHash ?? '' },
    ':outcome': { S: record.outcome },
    ':now': { S: now },
    ':exp': { N: String(nowSeconds + RETENTION_SECONDS.paymentRecords) },
    ':nowSeconds': { N: String(nowSeconds) },
    ':one': { N: '1' },
    ':empty': { L: [] },
    ':token': { L: record.orderToken ? [{ S: record.orderToken }] : [] },
  };
  const keyed = record.keyHash ? ', #key = :key' : '';
  const tokens = record.orderToken ? ', #tokens = list_append(if_not_exists(#tokens, :empty), :token)' : '';
  // What a restarted record must not keep from the expired one: another key's hash, old order tokens.
  const stale = [...(record.keyHash ? [] : ['#key']), ...(record.orderToken ? [] : ['#tokens'])];
  // A live record (or none) gains this outcome; one past its expiry that TTL has not deleted yet (up to days
  // late) is started afresh instead, so no old order token is resurrected under the reference.
  const add = {
    UpdateExpression: `SET #reference = :reference${keyed}, #last = :outcome, #lastAt = :now, #firstAt = if_not_exists(#firstAt, :now), #exp = :exp${tokens} ADD #count :one`,
    ConditionExpression: 'attribute_not_exists(#id) OR #exp > :nowSeconds',
  };
  const restart = {
    UpdateExpression:
      `SET #reference = :reference${keyed}, #last = :outcome, #lastAt = :now, #firstAt = :now, #exp = :exp, #count = :one` +
      `${record.orderToken ? ', #tokens = :token' : ''}${stale.length > 0 ? ` REMOVE ${stale.join(', ')}` : ''}`,
    ConditionExpression: '#exp <= :nowSeconds',
  };
  // DynamoDB refuses a name or value the expressions do not use.
  const usedIn = <V>(all: Record<string, V>, text: string): Record<string, V> =>
    Object.fromEntries(Object.entries(all).filter(([placeholder]) => new RegExp(`${placeholder}(?![A-Za-z0-9_])`).test(text)));
  const send = (change: { UpdateExpression: string; ConditionExpression: string }) =>
    dynamoClient().send(
      new UpdateItemCommand({
        TableName: record.table,
        Key: { [PAYMENTS_TABLE_PARTITION_KEY]: { S: id } },
        ...change,
        ExpressionAttributeNames: usedIn(names, `${change.UpdateExpression} ${change.ConditionExpression}`),
        ExpressionAttributeValues: usedIn(values, `${change.UpdateExpression} ${change.ConditionExpression}`),
      }),
    );
  try {
    // Add; restart if it had expired; add once more only if another writer restarted it in between.
    for (let round = 0; ; round += 1) {
      try {
        await send(round % 2 === 0 ? add : restart);
        break;
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException') || round >= 2) throw error;
      }
    }
    logger.warn('uncertain outcome recorded', { function: record.functionName, reference: record.reference, outcome: record.outcome, order_token: record.orderToken });
  } catch (error) {
    logger.error('uncertain outcome not recorded', {
      function: record.functionName,
      reference: record.reference,
      key_hash: record.keyHash,
      outcome: record.outcome,
      order_token: record.orderToken,
      error_name: error instanceof Error ? error.name : typeof error,
    });
  }
};

/**
 * The provider created an order (`orderToken`) that our state could not record: records ORDER_NOT_RECORDED
 * under the request's reference (or logs it, table down), and returns `error` marked so that the
 * Idempotency-Key wrapper does not record the same failure again as a plain error. For every request, with a
 * key or without.
 */
export const recordOrderNotRecorded = async (
  error: unknown,
  record: Omit<UncertainOutcome, 'outcome' | 'orderToken'> & { orderToken: string },
): Promise<unknown> => {
  await recordUncertainOutcome({ ...record, outcome: ORDER_NOT_RECORDED });
  if (typeof error === 'object' && error !== null) alreadyRecorded.add(error);
  return error;
};

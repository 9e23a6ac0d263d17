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

/** The outcome to record for an error the keyed call ended in, or undefined when it is certain. */
export const uncertainOutcomeOf = (error: unknown): ErrorCode | undefined => {
  const code = isApiError(error) ? error.code : 'INTERNAL_ERROR';
  return UNCERTAIN.has(code) ? code : undefined;
};

/** The answer was produced (the provider acted) but could not be stored under its key. */
export const ANSWER_NOT_STORED = 'ANSWER_NOT_STORED';

export interface UncertainOutcome {
  table: string;
  functionName: string;
  reference: string;
  /** Identifies the key without storing it: sha256 of caller and key. */
  keyHash: string;
  outcome: ErrorCode | typeof ANSWER_NOT_STORED;
  /** What the provider answered, when the answer exists (ANSWER_NOT_STORED). */
  orderToken?: string | undefined;
}

export const keyHashOf = (caller: string, key: string): string => createHash('sha256').update(`${caller}\u0000${key}`).digest('hex');

/**
 * Adds one uncertain outcome to the reference's record (count, first and last time, last outcome). Never
 * throws: when the table itself is down the log line is the record (no personal data in it).
 */
export const recordUncertainOutcome = async (record: UncertainOutcome): Promise<void> => {
  const now = new Date().toISOString();
  const id = itemId.uncertainOutcome(record.functionName, record.reference);
  try {
    await dynamoClient().send(
      new UpdateItemCommand({
        TableName: record.table,
        Key: { [PAYMENTS_TABLE_PARTITION_KEY]: { S: id } },
        UpdateExpression:
          'SET #reference = :reference, #key = :key, #last = :outcome, #lastAt = :now, #firstAt = if_not_exists(#firstAt, :now), #exp = :exp' +
          `${record.orderToken ? ', #tokens = list_append(if_not_exists(#tokens, :empty), :token)' : ''} ADD #count :one`,
        ExpressionAttributeNames: {
          '#reference': 'reference',
          '#key': 'key_hash',
          '#last': 'last_outcome',
          '#lastAt': 'last_at',
          '#firstAt': 'first_at',
          '#exp': PAYMENTS_TABLE_TTL_ATTRIBUTE,
          '#count': 'outcomes',
          ...(record.orderToken ? { '#tokens': 'order_tokens' } : {}),
        },
        ExpressionAttributeValues: {
          ':reference': { S: record.reference },
          ':key': { S: record.keyHash },
          ':outcome': { S: record.outcome },
          ':now': { S: now },
          ':exp': { N: String(Math.floor(Date.now() / 1000) + RETENTION_SECONDS.paymentRecords) },
          ':one': { N: '1' },
          ...(record.orderToken ? { ':empty': { L: [] }, ':token': { L: [{ S: record.orderToken }] } } : {}),
        },
      }),
    );
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

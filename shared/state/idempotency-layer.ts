// What Idempotency-Key needs at run time, in one module that shared/state/idempotency.ts imports only when
// a request carries the header: Powertools Idempotency, its DynamoDB persistence layer and the DynamoDB
// client. A request without the header (most of them) never loads or parses any of it (issue 13:
// docs/performance.md).
export {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyItemNotFoundError,
  IdempotencyUnknownError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
export { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
export { dynamoClient } from './client.ts';

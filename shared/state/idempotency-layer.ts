// What Idempotency-Key needs at run time, in one module that shared/state/idempotency.ts imports only when
// a request carries the header: Powertools Idempotency and its DynamoDB persistence layer. A request without
// the header (most of them) never loads or parses them (issue 13: docs/performance.md). The persistence layer
// is handed client.ts's DynamoDB client, built through shared/aws/dependency.ts (deadline, 503
// DEPENDENCY_UNAVAILABLE); the routes' own state writes share it.
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

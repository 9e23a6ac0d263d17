// The payments table's DynamoDB client on its own: create-order needs only this one (Powertools Idempotency
// marshals for itself), and importing it from table.ts also bundled the document client (docs/performance.md).
// Built on first use, not at import; the SDK honours AWS_ENDPOINT_URL_DYNAMODB and AWS_REGION by itself.
// Every call through it (the document client and Powertools Idempotency share it) has a deadline, and a
// transient failure is DEPENDENCY_UNAVAILABLE, counted (shared/aws/dependency.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dependencyClientConfig, guardAwsClient } from '../aws/dependency.ts';

let client: DynamoDBClient | undefined;

/** The raw client, shared with Powertools Idempotency so a container opens one connection pool. */
export const dynamoClient = (): DynamoDBClient =>
  (client ??= guardAwsClient(new DynamoDBClient(dependencyClientConfig('dynamodb')), 'dynamodb'));

/** Tests only (through resetStateClient): a new container's client. */
export const resetDynamoClient = (): void => {
  client = undefined;
};

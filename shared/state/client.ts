// The payments table's DynamoDB client on its own: create-order needs only this one (Powertools Idempotency
// marshals for itself), and importing it from table.ts also bundled the document client (~5.7 KiB).
// Built on first use, not at import; the SDK honours AWS_ENDPOINT_URL_DYNAMODB and AWS_REGION by itself.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

let client: DynamoDBClient | undefined;

/** The raw client, shared with Powertools Idempotency so a container opens one connection pool. */
export const dynamoClient = (): DynamoDBClient => (client ??= new DynamoDBClient({ maxAttempts: 3 }));

/** Tests only (through resetStateClient): a new container's client. */
export const resetDynamoClient = (): void => {
  client = undefined;
};

// The payment-state table on loopback: dynalite (DynamoDB's API over an in-memory LevelDB) in this process,
// the table created from the same key design the stack uses (shared/state/keys.ts). The functions reach it
// through the real SDK with AWS_ENDPOINT_URL_DYNAMODB, so the state code runs exactly as in Lambda.
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paymentsTableDefinition } from '#shared/state/keys.ts';

/** The local stage's table, named like the stages' (`clinic-payments-<stage>`). */
const LOCAL_PAYMENTS_TABLE = 'clinic-payments-local';

// dynalite ships CommonJS without types; this is the one call we make.
type Dynalite = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface LocalDynamo {
  endpoint: string;
  tableName: string;
  close(): Promise<void>;
}

export const startLocalDynamo = async (host = '127.0.0.1'): Promise<LocalDynamo> => {
  // Tables are usable at once: a local run has no reason to wait out DynamoDB's CREATING state.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    // TTL is not emulated; the state code already treats an expired item as absent when it reads it.
    await client.send(new CreateTableCommand(paymentsTableDefinition(LOCAL_PAYMENTS_TABLE)));
  } finally {
    client.destroy();
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    tableName: LOCAL_PAYMENTS_TABLE,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
};

// A real DynamoDB-compatible server on 127.0.0.1 (dynalite, in memory) holding the payments table, for
// every test of the payment state. One per test file; the functions reach it the way they reach
// DynamoDB anywhere: AWS_ENDPOINT_URL_DYNAMODB, read by the SDK itself.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { PAYMENTS_TABLE_PARTITION_KEY, paymentsTableDefinition } from '#shared/state/keys.ts';
import { resetStateClient } from '#shared/state/table.ts';
import { setEnvironment } from './env.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

export type Item = Record<string, any>;

export interface PaymentsTable {
  readonly name: string;
  readonly endpoint: string;
  /** Every item whose id starts with `prefix`, read straight from the table (expired ones included). */
  items(prefix?: string): Promise<Item[]>;
  get(id: string): Promise<Item | undefined>;
  /** Writes an item as it is, unconditionally (a test's arrangement: an expired item TTL has not deleted yet). */
  put(item: Item): Promise<void>;
  /** Sets attributes of an existing item as they are (a test's arrangement: a clock moved back, a check made due). */
  set(id: string, fields: Item): Promise<void>;
}

/** Starts dynalite before the file's tests, creates the table and points the SDK and PAYMENTS_TABLE at it. */
export const usePaymentsTable = (name = 'clinic-payments-test'): PaymentsTable => {
  let server: Server | undefined;
  let endpoint = '';
  let documents: DynamoDBDocumentClient | undefined;
  const client = (): DynamoDBDocumentClient => {
    if (!documents) throw new Error('usePaymentsTable: the table is not started yet');
    return documents;
  };

  beforeAll(async () => {
    const started = dynalite({ createTableMs: 0 });
    server = started;
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
    setEnvironment({
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      PAYMENTS_TABLE: name,
    });
    resetStateClient();
    documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await documents.send(new CreateTableCommand(paymentsTableDefinition(name)));
  });

  afterAll(async () => {
    documents?.destroy();
    resetStateClient();
    const running = server;
    if (!running) return;
    running.closeAllConnections();
    await new Promise<void>((resolve) => running.close(() => resolve()));
  });

  return {
    name,
    get endpoint() {
      return endpoint;
    },
    items: async (prefix = '') => {
      const { Items = [] } = await client().send(new ScanCommand({ TableName: name, ConsistentRead: true }));
      return Items.filter((item) => String(item[PAYMENTS_TABLE_PARTITION_KEY]).startsWith(prefix));
    },
    get: async (id) => {
      const { Item } = await client().send(new GetCommand({ TableName: name, Key: { [PAYMENTS_TABLE_PARTITION_KEY]: id }, ConsistentRead: true }));
      return Item;
    },
    put: async (item) => {
      await client().send(new PutCommand({ TableName: name, Item: item }));
    },
    set: async (id, fields) => {
      const names = Object.keys(fields);
      await client().send(
        new UpdateCommand({
          TableName: name,
          Key: { [PAYMENTS_TABLE_PARTITION_KEY]: id },
          UpdateExpression: `SET ${names.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(names.map((field, index) => [`#f${index}`, field])),
          ExpressionAttributeValues: Object.fromEntries(names.map((field, index) => [`:v${index}`, fields[field]])),
        }),
      );
    },
  };
};

/**
 * The payments table behind a loopback TCP proxy (tcp-proxy.ts) that a test can break or hang at an exact
 * moment: the functions reach the table through it from the file's first test on.
 */
export const useBreakableTable = (table: PaymentsTable): Omit<TcpProxy, 'url' | 'close'> => {
  let proxy: TcpProxy | undefined;
  let restoreEndpoint: () => void = () => undefined;
  const started = (): TcpProxy => {
    if (!proxy) throw new Error('useBreakableTable: the proxy is not started yet');
    return proxy;
  };
  beforeAll(async () => {
    proxy = await startTcpProxy(table.endpoint);
    restoreEndpoint = setEnvironment({ AWS_ENDPOINT_URL_DYNAMODB: proxy.url });
    resetStateClient();
  });
  afterAll(async () => {
    restoreEndpoint();
    resetStateClient();
    await proxy?.close();
  });
  return { break: () => started().break(), hang: () => started().hang(), heal: () => started().heal() };
};

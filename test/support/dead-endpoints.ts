// AWS endpoints that fail the two ways a network can: one that accepts connections and never answers, one
// that refuses them. The SDK reaches them through AWS_ENDPOINT_URL_<SERVICE>, as it would reach AWS.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { refusedUrl } from './provider-stub.ts';

export interface DeadEndpoints {
  /** Accepts, reads, never answers (a hung service, a black-holed route). */
  readonly hung: string;
  /** Nothing listens: connection refused. */
  readonly refused: string;
  /** Connections the hung endpoint accepted so far. */
  readonly accepted: number;
}

export const useDeadEndpoints = (): DeadEndpoints => {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let hung = '';
  let refused = '';
  let accepted = 0;
  beforeAll(async () => {
    const started = createServer((socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    server = started;
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    hung = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
    refused = await refusedUrl();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return {
    get hung() {
      return hung;
    },
    get refused() {
      return refused;
    },
    get accepted() {
      return accepted;
    },
  };
};

// A loopback TCP proxy in front of a test server (dynalite) that a test can break at an exact moment, until
// it is healed: `break` drops every open connection and refuses new ones; `hang` drops them and accepts new
// ones that are never answered (a hung service).
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  url: string;
  break(): void;
  hang(): void;
  heal(): void;
  close(): Promise<void>;
}

export const startTcpProxy = async (target: string): Promise<TcpProxy> => {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let mode: 'open' | 'broken' | 'hung' = 'open';
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    if (mode === 'broken') {
      client.destroy();
      return;
    }
    if (mode === 'hung') {
      client.on('data', () => undefined);
      return;
    }
    const upstream = connect(Number(port), hostname);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    break: () => {
      mode = 'broken';
      for (const socket of sockets) socket.destroy();
    },
    hang: () => {
      mode = 'hung';
      for (const socket of sockets) socket.destroy();
    },
    heal: () => {
      mode = 'open';
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

// Every local server (API, provider sandbox, Secrets Manager stand-in) listens the same way: on loopback,
// port 0 meaning a free one, and a start-up failure (port in use) rejects instead of crashing the process.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const listen = async (server: Server, port: number, host: string): Promise<number> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
};

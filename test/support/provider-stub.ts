// A real HTTP server on 127.0.0.1 standing in for a provider: each test scripts its answer and reads
// exactly what the provider received.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
}

export type StubAnswer =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'raw'; status: number; body: string | Buffer; contentType?: string }
  | { kind: 'hang' }
  | { kind: 'reset-mid-response' }
  | { kind: 'destroy' }
  | { kind: 'stream'; status: number; bytes: number }
  /** The answer, after a pause: keeps a request in flight while another one arrives. */
  | { kind: 'delayed'; ms: number; answer: StubAnswer };

export const json = (status: number, body: unknown): StubAnswer => ({ kind: 'json', status, body });

export interface ProviderStub {
  url: string;
  requests: ReceivedRequest[];
  /** Answers in order; the last one repeats. */
  answer(...answers: StubAnswer[]): void;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = (res: ServerResponse, answer: StubAnswer): void => {
  switch (answer.kind) {
    case 'json':
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      return;
    case 'raw':
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' }).end(answer.body);
      return;
    case 'delayed':
      setTimeout(() => send(res, answer.answer), answer.ms);
      return;
    case 'hang':
      return; // never answers; the client's deadline must fire
    case 'reset-mid-response':
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"hash":"ord_');
      setImmediate(() => res.socket?.destroy());
      return;
    case 'destroy':
      res.socket?.destroy();
      return;
    case 'stream': {
      // Chunked, no content-length: the client must stop reading at its cap, not buffer it all.
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < answer.bytes) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
  }
};

export const startProviderStub = async (): Promise<ProviderStub> => {
  const requests: ReceivedRequest[] = [];
  let answers: StubAnswer[] = [json(200, {})];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json: parsed });
      const next = answers.length > 1 ? answers.shift() : answers[0];
      send(res, next ?? json(500, {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (...next) => {
      answers = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** A port nothing listens on: connection refused. */
export const refusedUrl = async (): Promise<string> => {
  const stub = await startProviderStub();
  await stub.close();
  return stub.url;
};

/** One stub for the whole test file, started before its tests; its request log is cleared before each. */
export const useProviderStub = (): ProviderStub => {
  let stub: ProviderStub | undefined;
  const current = (): ProviderStub => {
    if (!stub) throw new Error('useProviderStub: the stub is not started yet');
    return stub;
  };
  beforeAll(async () => {
    stub = await startProviderStub();
  });
  afterAll(async () => {
    await stub?.close();
  });
  beforeEach(() => {
    current().requests.length = 0;
  });
  return {
    get url() {
      return current().url;
    },
    get requests() {
      return current().requests;
    },
    answer: (...answers) => current().answer(...answers),
    close: () => current().close(),
  };
};

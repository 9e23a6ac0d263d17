// For the in-process run: node:http connections to one port are answered from memory, without a socket.
// The AWS SDK (DynamoDB here) still builds, signs, sends and parses every request exactly as over the
// network; only the wire and the server are gone, as fetch's are for the provider.
import http from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** An HTTP/1.1 peer in memory: every complete request written to it gets `answerTo(its head)` back. */
class InProcessPeer extends Duplex {
  #pending = Buffer.alloc(0);
  readonly #answerTo: (head: string) => string;

  constructor(answerTo: (head: string) => string) {
    super();
    this.#answerTo = answerTo;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const end = this.#pending.indexOf('\r\n\r\n');
      if (end < 0) break;
      const head = this.#pending.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.#pending.length < end + 4 + length) break;
      this.#pending = this.#pending.subarray(end + 4 + length);
      this.push(this.#answerTo(head));
    }
    done();
  }

  override _read(): void {}

  // What http.ClientRequest calls on a net.Socket.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

const OPERATION = /\r\nx-amz-target:[^.\r\n]*\.(\w+)/i;

/**
 * Answers every HTTP request to `port` on any host with a 200 JSON body, in this process: `body`, or where
 * `byOperation` names the request's operation (its X-Amz-Target `DynamoDB_20120810.GetItem` → `GetItem`),
 * that body instead.
 */
export const answerInProcess = (port: number, body: string, contentType: string, byOperation: Record<string, string> = {}): void => {
  const http200 = (text: string) =>
    `HTTP/1.1 200 OK\r\ncontent-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
    `x-amzn-requestid: in-process\r\nconnection: keep-alive\r\n\r\n${text}`;
  const answer = http200(body);
  const answers = new Map(Object.entries(byOperation).map(([operation, text]) => [operation, http200(text)]));
  // Without per-operation answers, no header is read: the other functions' runs do exactly what they did.
  const answerTo = answers.size === 0 ? () => answer : (head: string) => answers.get(OPERATION.exec(head)?.[1] ?? '') ?? answer;
  type CreateConnection = (options: { port?: number | string }, callback?: unknown) => Socket;
  const agent = http.Agent.prototype as unknown as { createConnection: CreateConnection };
  const original = agent.createConnection;
  agent.createConnection = function (this: unknown, options, callback) {
    if (Number(options.port) !== port) return original.call(this, options, callback);
    return new InProcessPeer(answerTo) as unknown as Socket;
  };
};

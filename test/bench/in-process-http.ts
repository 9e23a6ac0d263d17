// For the in-process run: node:http connections to one port are answered from memory, without a socket.
// The AWS SDK (DynamoDB here) still builds, signs, sends and parses every request exactly as over the
// network; only the wire and the server are gone, as fetch's are for the provider.
import http from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** An HTTP/1.1 peer in memory: every complete request written to it gets `answer` back. */
class InProcessPeer extends Duplex {
  #pending = Buffer.alloc(0);
  readonly #answer: string;

  constructor(answer: string) {
    super();
    this.#answer = answer;
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
      this.push(this.#answer);
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

/** Answers every HTTP request to `port` on any host with a fixed 200 JSON body, in this process. */
export const answerInProcess = (port: number, body: string, contentType: string): void => {
  const answer =
    `HTTP/1.1 200 OK\r\ncontent-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `x-amzn-requestid: in-process\r\nconnection: keep-alive\r\n\r\n${body}`;
  type CreateConnection = (options: { port?: number | string }, callback?: unknown) => Socket;
  const agent = http.Agent.prototype as unknown as { createConnection: CreateConnection };
  const original = agent.createConnection;
  agent.createConnection = function (this: unknown, options, callback) {
    if (Number(options.port) !== port) return original.call(this, options, callback);
    return new InProcessPeer(answer) as unknown as Socket;
  };
};

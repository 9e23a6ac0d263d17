// What the local AWS stand-ins (Secrets Manager, EventBridge) share: a loopback server speaking the AWS
// JSON 1.1 protocol for one operation (`X-Amz-Target`), so the real SDK clients run against them with
// AWS_ENDPOINT_URL_<SERVICE>. Signatures are not checked: dummy credentials do.
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { readText } from './http-body.ts';
import { listen } from './listen.ts';

export interface AwsJsonReply {
  ok(body: object): void;
  error(status: number, type: string, message: string): void;
}

export interface AwsJsonStandInOptions {
  /** The one operation served, e.g. `secretsmanager.GetSecretValue`. */
  target: string;
  /** Larger bodies are refused with 413 `ValidationException`, as the service does. */
  maxBodyBytes: number;
  /** The error type an unexpected failure of the stand-in itself is answered with. */
  internalErrorType: string;
  port?: number;
  host?: string;
  /** Gets the request's body (JSON text, not yet parsed). */
  handle(body: string, reply: AwsJsonReply): void;
}

export interface AwsJsonServer {
  endpoint: string;
  close: () => Promise<void>;
}

const send = (res: ServerResponse, status: number, body: object, errorType?: string): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': randomUUID(),
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  res.end(text);
};

const replyTo = (res: ServerResponse): AwsJsonReply => ({
  ok: (body) => send(res, 200, body),
  error: (status, type, message) => send(res, status, { __type: type, message }, type),
});

export const startAwsJsonStandIn = async (options: AwsJsonStandInOptions): Promise<AwsJsonServer> => {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const reply = replyTo(res);
    void (async () => {
      const body = await readText(req, options.maxBodyBytes);
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || typeof target !== 'string') {
        reply.error(400, 'UnknownOperationException', 'Expected an AWS JSON 1.1 request');
        return;
      }
      if (target !== options.target) {
        reply.error(400, 'UnknownOperationException', `The stand-in does not implement ${target}`);
        return;
      }
      if (body === undefined) {
        reply.error(413, 'ValidationException', 'The request is over the size limit.');
        return;
      }
      options.handle(body, reply);
    })().catch((error: unknown) => {
      if (!res.headersSent) reply.error(500, options.internalErrorType, error instanceof Error ? error.message : 'failed');
    });
  });
  const port = await listen(server, options.port ?? 0, host);
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
};

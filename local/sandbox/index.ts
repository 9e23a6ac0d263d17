// The provider sandbox: SkipPay, Skip's Spot backend and widget, and ETpay, on one loopback HTTP server.
// Used by the local run, the benchmark and the end-to-end tests; see README.md beside this file.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange, RecordedRequest, SandboxState, SandboxTarget, SandboxUrls, SkipPayWebhookConfig, WebhookDelivery } from './http.ts';
import { sendError } from './http.ts';
import { handleSkipPay } from './skippay.ts';
import { handleSkipBackend, handleSpotWidget } from './spot.ts';
import { handleEtpay } from './etpay.ts';
import { handleControl, sandboxControl, type SandboxControl } from './control.ts';
import { listen } from '../listen.ts';

export type { RecordedRequest, SandboxTarget, SkipPayWebhookConfig, WebhookDelivery } from './http.ts';
export { SANDBOX_FAULTS, FAULT_VALUES } from './faults.ts';
export type { FaultSpec, FaultValue } from './faults.ts';
export { SPOT_WIDGET_EVENTS } from './spot-page.ts';
export { signSkipPayWebhook } from './spot.ts';
export { ETPAY_BANK_CODES, ETPAY_RESULT_QUERY_PARAM, ETPAY_RESULT_TTL_SECONDS } from './etpay.ts';
export * from './credentials.ts';
export { runControl } from './control.ts';
export type { SandboxControl, SandboxControlResult, SandboxPaymentRef } from './control.ts';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the widget's simulated AAPD payment sends SkipPay's signed `order.paid` webhook. */
  skippayWebhook?: SkipPayWebhookConfig;
}

export interface Sandbox extends SandboxUrls {
  /** Every request the sandbox received, in order. Clear with `requests.length = 0`. */
  requests: RecordedRequest[];
  /** Every webhook the sandbox sent (or refused to send), in order. */
  webhooks: WebhookDelivery[];
  /** For a local run that learns the API's URL after the sandbox started. */
  setSkippayWebhook(config: SkipPayWebhookConfig | undefined): void;
  /** Settle a payment at the provider without notifying, or arm a fault on its status pulls (control.ts). */
  control: SandboxControl;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

type Handler = (ex: Exchange) => void | Promise<void>;

const ROUTES: readonly { prefix: string; target: SandboxTarget; handle: Handler }[] = [
  { prefix: '/skippay', target: 'skippay', handle: handleSkipPay },
  { prefix: '/skip-backend/api', target: 'skip-backend', handle: handleSkipBackend },
  { prefix: '/spot', target: 'spot', handle: handleSpotWidget },
  { prefix: '/etpay', target: 'etpay', handle: handleEtpay },
  { prefix: '/_control', target: 'control', handle: (ex) => handleControl(ex, sandboxControl(ex.state)) },
];

function route(pathname: string): { target: SandboxTarget; handle?: Handler; path: string } {
  for (const { prefix, target, handle } of ROUTES) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) {
      return { target, handle, path: pathname.slice(prefix.length) || '/' };
    }
  }
  return { target: 'unknown', path: pathname };
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers[name.toLowerCase()] = values.join(', ');
  }
  return headers;
}

async function handle(state: SandboxState, requests: RecordedRequest[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', state.origin);
  const { target, handle: handler, path } = route(url.pathname);
  const body = await readBody(req);
  requests.push({ target, method: req.method ?? '', path: req.url ?? '/', headers: flattenHeaders(req), body: body ?? '' });
  if (body === undefined) {
    sendError(res, 413, 'payload_too_large', 'Body over 1 MiB');
    return;
  }
  if (handler === undefined) {
    sendError(res, 404, 'not_found', 'No such sandbox endpoint');
    return;
  }
  await handler({ req, res, url, path, body, state });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  const port = await listen(server, options.port ?? 0, host);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const requests: RecordedRequest[] = [];
  const state: SandboxState = {
    origin,
    skippayApiUrl: `${origin}/skippay`,
    skipBackendUrl: `${origin}/skip-backend/api`,
    spotWidgetUrl: `${origin}/spot`,
    etpayApiUrl: `${origin}/etpay`,
    etpayPaymentUrl: `${origin}/etpay`,
    orders: new Map(),
    widgets: new Map(),
    etpaySessions: new Map(),
    skippayWebhook: options.skippayWebhook,
    webhooks: [],
    shutdown: new AbortController(),
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(state, requests, req, res).catch((error: unknown) => {
      // A client that hung up mid-request is not the sandbox's failure.
      if (req.destroyed && !req.complete) return;
      console.error('[sandbox] handler failed', error);
      if (!res.headersSent) sendError(res, 500, 'sandbox_error', 'The sandbox itself failed; see its console');
      else res.destroy();
    });
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      state.shutdown.abort();
      server.close((error) => (error === undefined ? resolve() : reject(error)));
      // Also the sockets held open by FAULT-TIMEOUT and idle keep-alive clients.
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    origin,
    skippayApiUrl: state.skippayApiUrl,
    skipBackendUrl: state.skipBackendUrl,
    spotWidgetUrl: state.spotWidgetUrl,
    etpayApiUrl: state.etpayApiUrl,
    etpayPaymentUrl: state.etpayPaymentUrl,
    requests,
    webhooks: state.webhooks,
    setSkippayWebhook: (config) => {
      state.skippayWebhook = config;
    },
    control: sandboxControl(state),
    close,
  };
}

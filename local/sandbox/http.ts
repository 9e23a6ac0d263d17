// Plumbing shared by the provider stand-ins: one in-memory state, JSON/HTML answers, outgoing webhooks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { FaultValue } from './faults.ts';

/** Which stand-in a request was addressed to (by path prefix). */
export type SandboxTarget = 'skippay' | 'skip-backend' | 'spot' | 'etpay' | 'control' | 'unknown';

export interface RecordedRequest {
  target: SandboxTarget;
  method: string;
  /** Path and query exactly as received, e.g. `/skip-backend/api/spot/widget?public_key=pk_test_x`. */
  path: string;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The raw body as UTF-8 text (empty string when none). */
  body: string;
}

/** A notification the sandbox sent to the backend (SkipPay webhook or ETpay payment_webhook_url). */
export interface WebhookDelivery {
  provider: 'skippay' | 'etpay';
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The receiver's HTTP status, absent when the delivery failed or was refused. */
  status?: number;
  error?: string;
}

export interface SkipPayOrder {
  hash: string;
  reference: string;
  totalAmount: string;
  status: 'pending' | 'paid' | 'cancelled';
  /** What the order read answers as `total_amount` once settled by the control with another amount. */
  paidAmount?: string;
  /** Set by the control: every status read of this order answers this fault until cleared. */
  pullFault?: FaultValue;
}

export interface SpotWidgetSession {
  widgetToken: string;
  publicKey: string;
  orderToken?: string;
  rut: string;
  userData: { name: string; surname: string; email: string; phone_number: string };
}

export interface EtpaySession {
  token: string;
  signatureToken: string;
  merchantOrderId: string;
  orderAmount: number;
  customerEmail?: string;
  metadata: { name: string; value: string; show: boolean }[];
  userBankCode?: string;
  userRut?: string;
  paymentCompletedUrl?: string;
  paymentCancellationUrl?: string;
  paymentWebhookUrl?: string;
  state: 'open' | 'paid' | 'cancelled';
  /** The payment once the session is finished (page or control): what the status pull reports. */
  payment?: EtpayPaymentRecord;
  /** Set by the control: every status pull naming this session answers this fault until cleared. */
  pullFault?: FaultValue;
}

export interface EtpayPaymentRecord {
  paymentToken: string;
  /** ETpay's documented final words. */
  status: 'success' | 'error';
  amount: number;
  at: string;
  reason: string | null;
}

export interface SkipPayWebhookConfig {
  url: string;
  secret: string;
}

/** Where each provider stand-in lives; these go into the functions' *_URL settings. */
export interface SandboxUrls {
  origin: string;
  skippayApiUrl: string;
  skipBackendUrl: string;
  spotWidgetUrl: string;
  etpayApiUrl: string;
  etpayPaymentUrl: string;
}

export interface SandboxState extends SandboxUrls {
  orders: Map<string, SkipPayOrder>;
  widgets: Map<string, SpotWidgetSession>;
  etpaySessions: Map<string, EtpaySession>;
  skippayWebhook: SkipPayWebhookConfig | undefined;
  webhooks: WebhookDelivery[];
  /** Aborted on close so that no outgoing webhook outlives the sandbox. */
  shutdown: AbortController;
}

/** One request being answered; `path` is relative to the stand-in's prefix. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  path: string;
  body: string;
  state: SandboxState;
}

/** Compares a credential without leaking its length or prefix through timing. */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Providers' error bodies are not ours to design; this one is plain and never echoes the request. */
export function sendError(res: ServerResponse, status: number, error: string, message: string, details?: Issue[]): void {
  sendJson(res, status, details === undefined ? { error, message } : { error, message, details });
}

export function sendHtml(res: ServerResponse, status: number, html: string, nonce: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(html)),
    // Inline code only with this response's nonce; nothing external. frame-ancestors stays open because
    // the pages live inside clinics' iframes (and no form-action: Chrome applies it to our 303 redirects).
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      'img-src data:',
      "base-uri 'none'",
    ].join('; '),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A JSON value safe to embed in an HTML `<script type="application/json">` block. */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function formatClp(amount: number): string {
  return new Intl.NumberFormat('es-CL', { style: 'currency', currency: 'CLP' }).format(amount);
}

export interface Issue {
  path: string;
  message: string;
}

export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** `value` as `schema` reads it; otherwise answers 400 invalid_request listing every issue, and gives undefined. */
export function validRequest<S extends z.ZodType>(ex: Exchange, schema: S, value: unknown, message: string): z.output<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  sendError(ex.res, 400, 'invalid_request', message, issuesOf(result.error));
  return undefined;
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false };

/** Provider APIs take JSON only: a wrong content type or unparsable body is answered here. */
export function readJsonBody(ex: Exchange): ParsedBody {
  const contentType = ex.req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    sendError(ex.res, 415, 'unsupported_media_type', 'Content-Type must be application/json');
    return { ok: false };
  }
  try {
    return { ok: true, value: JSON.parse(ex.body) as unknown };
  } catch {
    sendError(ex.res, 400, 'invalid_json', 'The body is not valid JSON');
    return { ok: false };
  }
}

function modulo11CheckDigit(digits: string): string {
  let sum = 0;
  let factor = 2;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    sum += Number(digits[i]) * factor;
    factor = factor === 7 ? 2 : factor + 1;
  }
  const rest = 11 - (sum % 11);
  return rest === 11 ? '0' : rest === 10 ? 'K' : String(rest);
}

/** Skip's canonical form `12345678-5`: catches a backend that forwards the RUT as the patient typed it. */
const SKIP_RUT = /^\d{7,8}-[\dK]$/;
export const skipRut = z
  .string()
  .regex(SKIP_RUT, 'expected the form 12345678-5')
  .refine((rut) => !SKIP_RUT.test(rut) || modulo11CheckDigit(rut.slice(0, -2)) === rut.slice(-1), 'invalid check digit');

/** ETpay's example form `123456785`, no dots nor dash. */
const ETPAY_RUT = /^\d{7,8}[\dK]$/;
export const etpayRut = z
  .string()
  .regex(ETPAY_RUT, 'expected the form 123456785')
  .refine((rut) => !ETPAY_RUT.test(rut) || modulo11CheckDigit(rut.slice(0, -1)) === rut.slice(-1), 'invalid check digit');

export const e164ChileanPhone = z.string().regex(/^\+56\d{9}$/, 'expected E.164, e.g. +56912345678');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const WEBHOOK_DEADLINE_MS = 5_000;

/** POSTs a notification and records it; never throws, because a payment stands even if its notice fails. */
export async function deliverWebhook(
  state: SandboxState,
  provider: WebhookDelivery['provider'],
  url: string,
  body: string,
  extraHeaders: Record<string, string> = {},
): Promise<WebhookDelivery> {
  const headers = { 'content-type': 'application/json', 'user-agent': 'clinic-payments-sandbox', ...extraHeaders };
  const delivery: WebhookDelivery = { provider, url, headers, body };
  state.webhooks.push(delivery);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    delivery.error = 'invalid URL';
    return delivery;
  }
  // The sandbox must never reach beyond this machine, whatever URL a request handed it.
  if (!LOOPBACK_HOSTS.has(target.hostname) || !/^https?:$/.test(target.protocol)) {
    delivery.error = 'refused: only http(s) loopback URLs are called from the sandbox';
    return delivery;
  }
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([state.shutdown.signal, AbortSignal.timeout(WEBHOOK_DEADLINE_MS)]),
    });
    await response.arrayBuffer();
    delivery.status = response.status;
  } catch (error) {
    delivery.error = error instanceof Error ? error.message : String(error);
  }
  return delivery;
}

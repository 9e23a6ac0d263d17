// One client for every provider call: a deadline, a 1 MiB streamed body cap, zod on the answer, every
// outcome classified into the contract's UPSTREAM_* codes, counted and logged (on the request's line,
// request-log.ts). Retries are opt-in.
import pRetry from 'p-retry';
import type * as z from 'zod/mini';
import { ApiError, type UpstreamErrorCode } from '../errors.ts';
import { MAX_RESPONSE_BYTES } from '../limits.ts';
import { upstreamOutcomeMetrics } from '../observability/metrics.ts';
import { reportUpstreamCall } from '../observability/request-log.ts';
import type { Provider } from './provider.ts';

/** A retry is only worth starting with at least this much of the deadline left. */
const MIN_RETRY_BUDGET_MS = 250;
const RETRY_DELAY_MS = 100;

/** How long a provider call may take: the route's budget (RouteContext.budget). */
export interface CallBudget {
  /** UPSTREAM_TIMEOUT_MS: one call's own deadline, retries included. */
  timeoutMs: number;
  /** The request's deadline (epoch ms), from the Lambda's remaining time. */
  deadline: number;
}

/** `POST` (the default) sends `body` as JSON; a `GET` (a status pull) sends none. */
type Request = { method?: 'POST'; body: unknown } | { method: 'GET'; body?: undefined };

export type ProviderCall<S extends z.ZodMiniType> = Request & CallBudget & {
  provider: Provider;
  /** What the call is, for logs: never a URL with credentials in its query. */
  operation: string;
  url: URL;
  headers?: Record<string, string>;
  /** The 2xx answer's shape; anything else is UPSTREAM_BAD_RESPONSE. */
  schema: S;
  /**
   * `never` for calls that are not idempotent at the provider (order creation: sent at most once).
   * `once-on-unavailable`: one retry after a connection failure or a 503, within the deadline (calls
   * safe to repeat: widget minting, session initialisation, the status pulls).
   */
  retry: 'never' | 'once-on-unavailable';
  /**
   * Further checks of a well-shaped answer: an ApiError it throws (UPSTREAM_BAD_RESPONSE) is counted like
   * any other outcome of the call.
   */
  check?: (data: z.output<S>) => void;
};

class UpstreamError extends ApiError {
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;
  constructor(code: UpstreamErrorCode, provider: Provider, reason: string, options: { retryable?: boolean; httpStatus?: number; cause?: unknown } = {}) {
    super(code, { upstream: provider, reason, cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.httpStatus = options.httpStatus;
  }
}

const classifyStatus = (status: number): { code: UpstreamErrorCode; retryable: boolean } | undefined => {
  if (status >= 200 && status < 300) return undefined;
  if (status === 401 || status === 403) return { code: 'UPSTREAM_AUTH_FAILED', retryable: false };
  if (status === 429 || status >= 500) return { code: 'UPSTREAM_UNAVAILABLE', retryable: status === 503 };
  if (status >= 400) return { code: 'UPSTREAM_REJECTED', retryable: false };
  return { code: 'UPSTREAM_BAD_RESPONSE', retryable: false }; // 1xx/3xx: redirects are not followed
};

/** Reads at most `limit` bytes; a larger body is cancelled, never buffered whole. */
const readCapped = async (response: Response, limit: number): Promise<string | undefined> => {
  const length = response.headers.get('content-length');
  const declared = Number(length);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    return undefined;
  }
  // A declared length of an unencoded body is all there can be (the HTTP parser reads exactly that many
  // bytes): read it in one go with text(), faster than arrayBuffer() or a reader (docs/performance.md),
  // and before touching `response.body`, which can make undici build a stream
  // it would otherwise skip. Anything else (chunked, or compressed, whose decoded size the header does
  // not bound) is counted chunk by chunk below.
  if (length !== null && Number.isFinite(declared) && !response.headers.has('content-encoding')) return response.text();
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
};

const errorCodeOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown';
};

const attempt = async <S extends z.ZodMiniType>(call: ProviderCall<S>, signal: AbortSignal): Promise<z.output<S>> => {
  const { provider } = call;
  let response: Response;
  try {
    response = await fetch(
      call.url,
      call.method === 'GET'
        ? { method: 'GET', headers: { accept: 'application/json', ...call.headers }, redirect: 'manual', signal }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json', ...call.headers },
            body: JSON.stringify(call.body),
            redirect: 'manual',
            signal,
          },
    );
  } catch (error) {
    if (signal.aborted) throw new UpstreamError('UPSTREAM_TIMEOUT', provider, 'no answer before the deadline', { cause: error });
    throw new UpstreamError('UPSTREAM_UNAVAILABLE', provider, `connection failed (${errorCodeOf(error)})`, { retryable: true, cause: error });
  }

  const failure = classifyStatus(response.status);
  if (failure) {
    await response.body?.cancel().catch(() => undefined);
    throw new UpstreamError(failure.code, provider, `HTTP ${response.status}`, { retryable: failure.retryable, httpStatus: response.status });
  }

  let text: string | undefined;
  try {
    text = await readCapped(response, MAX_RESPONSE_BYTES);
  } catch (error) {
    if (signal.aborted) throw new UpstreamError('UPSTREAM_TIMEOUT', provider, 'body not received before the deadline', { cause: error });
    throw new UpstreamError('UPSTREAM_UNAVAILABLE', provider, `connection failed mid-response (${errorCodeOf(error)})`, { cause: error });
  }
  if (text === undefined) throw new UpstreamError('UPSTREAM_BAD_RESPONSE', provider, 'body over 1 MiB', { httpStatus: response.status });

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UpstreamError('UPSTREAM_BAD_RESPONSE', provider, 'body is not JSON', { httpStatus: response.status });
  }
  const parsed = call.schema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
    throw new UpstreamError('UPSTREAM_BAD_RESPONSE', provider, `unexpected body shape: ${fields.join(', ')}`, { httpStatus: response.status });
  }
  call.check?.(parsed.data);
  return parsed.data;
};

/** Calls a provider; throws an ApiError with `upstream` set for every failure. */
export const callProvider = async <S extends z.ZodMiniType>(call: ProviderCall<S>): Promise<z.output<S>> => {
  const started = performance.now();
  const budget = Math.min(call.timeoutMs, call.deadline - Date.now());
  let attempts = 0;
  try {
    if (budget <= 0) throw new UpstreamError('UPSTREAM_TIMEOUT', call.provider, 'no time left before the deadline');
    const signal = AbortSignal.timeout(budget);
    const once = () => {
      attempts += 1;
      return attempt(call, signal);
    };
    // A call sent at most once needs no retry machinery on its path.
    const result =
      call.retry === 'never'
        ? await once()
        : await pRetry(once, {
            retries: 1,
            minTimeout: RETRY_DELAY_MS,
            randomize: true,
            shouldRetry: ({ error }) =>
              error instanceof UpstreamError &&
              error.retryable &&
              !signal.aborted &&
              call.deadline - Date.now() > MIN_RETRY_BUDGET_MS + RETRY_DELAY_MS,
          });
    const ms = performance.now() - started;
    reportUpstreamCall({
      provider: call.provider,
      fields: { upstream_operation: call.operation, upstream_outcome: 'ok', upstream_attempts: attempts, upstream_ms: Math.round(ms) },
      metrics: upstreamOutcomeMetrics('ok', ms),
      level: 'info',
    });
    return result;
  } catch (error) {
    const ms = performance.now() - started;
    const apiError =
      error instanceof ApiError
        ? error
        : new UpstreamError('UPSTREAM_UNAVAILABLE', call.provider, `unexpected failure (${errorCodeOf(error)})`, { cause: error });
    reportUpstreamCall({
      provider: call.provider,
      fields: {
        upstream_operation: call.operation,
        upstream_outcome: apiError.code,
        upstream_http_status: error instanceof UpstreamError ? error.httpStatus : undefined,
        upstream_reason: apiError.reason,
        upstream_attempts: attempts,
        upstream_ms: Math.round(ms),
      },
      metrics: upstreamOutcomeMetrics(apiError.code, ms),
      level: 'warn',
    });
    throw apiError;
  }
};

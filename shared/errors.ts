// The contract's error codes, their HTTP status, and the one error type the core throws.
// The error handler (contractEdge in shared/http/edge.ts) is the only place that turns these into responses.
import type { Dependency } from './aws/dependency-names.ts';
import type { Provider } from './providers/provider.ts';

export const ERROR_STATUS = {
  INVALID_JSON: 400,
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  INVALID_SIGNATURE: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  ORDER_CONFLICT: 409,
  ORDER_ALREADY_PAID: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  UPSTREAM_REJECTED: 422,
  CONFIGURATION_ERROR: 500,
  INTERNAL_ERROR: 500,
  UPSTREAM_AUTH_FAILED: 502,
  UPSTREAM_BAD_RESPONSE: 502,
  UPSTREAM_UNAVAILABLE: 503,
  DEPENDENCY_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type UpstreamErrorCode = Extract<ErrorCode, `UPSTREAM_${string}`>;

/** Safe, human-readable default messages: what a clinic frontend may show. */
const DEFAULT_MESSAGE: Record<ErrorCode, string> = {
  INVALID_JSON: 'The request body must be a JSON object.',
  VALIDATION_ERROR: 'The request body is not valid.',
  UNAUTHORIZED: 'Missing or invalid clinic credential.',
  INVALID_SIGNATURE: 'The signature does not verify.',
  FORBIDDEN: 'The clinic credential does not allow this operation.',
  NOT_FOUND: 'Not found.',
  IDEMPOTENCY_CONFLICT: 'A request with this Idempotency-Key is still in progress.',
  ORDER_CONFLICT: 'This order already exists with another amount.',
  ORDER_ALREADY_PAID: 'This order is already paid.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than 16 KiB.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be sent as application/json.',
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used with a different request body.',
  UPSTREAM_REJECTED: 'The payment provider rejected the request.',
  CONFIGURATION_ERROR: 'The service is misconfigured; no provider was called.',
  INTERNAL_ERROR: 'Unexpected error.',
  UPSTREAM_AUTH_FAILED: 'The payment provider refused our credentials.',
  UPSTREAM_BAD_RESPONSE: 'The payment provider sent a response we cannot use.',
  UPSTREAM_UNAVAILABLE: 'The payment provider is unavailable; try again shortly.',
  UPSTREAM_TIMEOUT: 'The payment provider did not answer in time.',
  DEPENDENCY_UNAVAILABLE: 'A service we depend on is unavailable; try again shortly.',
};

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ApiErrorOptions {
  message?: string;
  details?: ErrorDetail[];
  upstream?: Provider;
  /** Which of our own AWS dependencies failed (DEPENDENCY_UNAVAILABLE): for the log line, never the response. */
  dependency?: Dependency;
  /** Internal diagnostics for the log line only: never personal data, secrets or raw provider bodies. */
  reason?: string;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  readonly upstream: Provider | undefined;
  readonly dependency: Dependency | undefined;
  readonly reason: string | undefined;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    super(options.message ?? DEFAULT_MESSAGE[code], { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.upstream = options.upstream;
    this.dependency = options.dependency;
    this.reason = options.reason;
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

export const isUpstreamFailure = (code: ErrorCode): boolean =>
  code.startsWith('UPSTREAM_') && code !== 'UPSTREAM_REJECTED';

/** Errors raised by settings or secrets: nothing was sent to a provider. */
export const configurationError = (reason: string, cause?: unknown): ApiError =>
  new ApiError('CONFIGURATION_ERROR', { reason, cause });

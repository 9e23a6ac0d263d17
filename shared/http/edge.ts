// The HTTP edge as middy middlewares. Order matters and is fixed in route.ts:
// contractEdge (request id, the one error handler, the access log) → jsonBodyGuard (content type,
// base64, size) → @middy/http-json-body-parser → requireJsonObject → the route's validation.
// A raw-body route (signed webhooks) stops after jsonBodyGuard and reads rawBodyOf(event); a GET route
// has contractEdge only.
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { ApiError, isApiError } from '../errors.ts';
import { logger } from '../observability/logger.ts';
import { CONFIGURATION_ERROR_METRICS } from '../observability/metrics.ts';
import type { Provider } from '../observability/metric-names.ts';
import { reportMetrics, takeRequestFields } from '../observability/request-log.ts';
import { errorResponse } from './response.ts';

export type HttpEvent = APIGatewayProxyEventV2 & { body?: unknown };
export type HttpResult = APIGatewayProxyStructuredResultV2;
type Middleware = MiddlewareObj<HttpEvent, HttpResult, Error, Context>;

export const MAX_BODY_BYTES = 16 * 1024;
const JSON_CONTENT_TYPE = /^application\/json\s*(?:;.*)?$/i;
const PARSER_PACKAGE = '@middy/http-json-body-parser';

const requestIds = new WeakMap<object, string>();
/** API Gateway's request id: the one the access log and the client see. */
export const requestIdOf = (event: HttpEvent, context?: Context): string => {
  let id = requestIds.get(event);
  if (!id) {
    id = event.requestContext?.requestId || context?.awsRequestId || randomUUID();
    requestIds.set(event, id);
  }
  return id;
};

/** Whatever was thrown, as a contract error. Unknown errors never show their message. */
export const toApiError = (error: unknown): ApiError => {
  if (isApiError(error)) return error;
  const cause = (error as { cause?: { package?: string } } | undefined)?.cause;
  if (cause?.package === PARSER_PACKAGE) return new ApiError('INVALID_JSON', { reason: 'JSON.parse failed' });
  return new ApiError('INTERNAL_ERROR', { cause: error, reason: error instanceof Error ? error.name : typeof error });
};

/**
 * Request id, the single error handler, and the request's one log line: the access line, carrying what
 * the request did upstream and its metrics (request-log.ts; the handler runs inside withRequestLog).
 */
export const contractEdge = (providerOf: (event: HttpEvent) => Provider | undefined): Middleware => {
  const started = new WeakMap<object, number>();
  return {
    before: (request) => {
      started.set(request.event, performance.now());
      logger.appendKeys({ request_id: requestIdOf(request.event, request.context), stage: process.env.STAGE });
    },
    after: (request) => {
      const requestId = requestIdOf(request.event, request.context);
      request.response = { ...request.response, headers: { ...request.response?.headers, 'x-request-id': requestId } };
      logger.info('request completed', {
        route: request.event.routeKey,
        status: request.response.statusCode,
        duration_ms: Math.round(performance.now() - (started.get(request.event) ?? performance.now())),
        ...takeRequestFields(),
      });
    },
    onError: (request) => {
      const requestId = requestIdOf(request.event, request.context);
      const error = toApiError(request.error);
      const provider = providerOf(request.event);
      if (error.code === 'CONFIGURATION_ERROR' && provider) reportMetrics(provider, CONFIGURATION_ERROR_METRICS);
      const fields = {
        route: request.event.routeKey,
        status: error.status,
        code: error.code,
        upstream: error.upstream,
        reason: error.reason,
        duration_ms: Math.round(performance.now() - (started.get(request.event) ?? performance.now())),
        ...takeRequestFields(),
      };
      if (error.status >= 500) {
        // The cause's stack helps on-call; the logger's redaction scrubs anything personal in it.
        logger.error('request failed', { ...fields, error: error.code === 'INTERNAL_ERROR' ? error.cause : undefined });
      } else logger.info('request rejected', fields);
      request.response = errorResponse(error, requestId);
    },
  };
};

const rawBodies = new WeakMap<object, Buffer>();
/** The body's exact bytes as the client sent them (base64 undone), kept by jsonBodyGuard for signatures. */
export const rawBodyOf = (event: HttpEvent): Buffer | undefined => rawBodies.get(event);

/** Content type (415), base64 bodies, and the 16 KiB limit (413), before anything parses the body. */
export const jsonBodyGuard = (): Middleware => ({
  before: (request) => {
    const { event } = request;
    const contentType = event.headers?.['content-type'] ?? '';
    if (!JSON_CONTENT_TYPE.test(contentType)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    if (typeof event.body !== 'string') throw new ApiError('INVALID_JSON', { reason: 'no body' });
    // Base64 inflates by 4/3: reject a hopeless body before decoding it.
    if (event.isBase64Encoded && event.body.length > Math.ceil(MAX_BODY_BYTES / 3) * 4 + 4) {
      throw new ApiError('PAYLOAD_TOO_LARGE');
    }
    const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    if (bytes.byteLength > MAX_BODY_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE');
    rawBodies.set(event, bytes);
    event.body = bytes.toString('utf8');
    event.isBase64Encoded = false;
    // Normalised once checked, so the JSON parser downstream sees one spelling (it is case-sensitive).
    event.headers['content-type'] = 'application/json';
  },
});

/** The contract wants an object: `[]`, `null`, `"x"` and `1` are valid JSON but INVALID_JSON here. */
export const requireJsonObject = (): Middleware => ({
  before: (request) => {
    const { body } = request.event;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError('INVALID_JSON', { reason: 'not a JSON object' });
    }
  },
});

// The edge every route starts with: the request id (computed once, here), the one error handler and the
// request's one log line. Then, by route kind (route.ts): bodyGuard (content type, base64, size) →
// @middy/http-json-body-parser → requireJsonObject → the route's validation. A raw-body route stops after
// bodyGuard and reads `event.rawBody`; a GET route has the edge only.
import type { MiddlewareObj } from '@middy/core';
import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithRequestContext,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { logger } from '../observability/logger.ts';
import { CONFIGURATION_ERROR_METRICS } from '../observability/metrics.ts';
import { takeRequestFields } from '../observability/request-log.ts';
import type { Provider } from '../providers/provider.ts';
import { toApiError } from './error-mapping.ts';
import { errorResponse } from './response.ts';

/**
 * HTTP API's payload 2.0 event. Clinic routes run behind the JWT authorizer, which puts the verified claims
 * at `requestContext.authorizer.jwt`; provider routes (public in the catalog) have no authorizer.
 */
export type HttpEvent = APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & { authorizer?: APIGatewayEventRequestContextJWTAuthorizer }
> & {
  /** The JSON parser replaces the text with what it parsed. */
  body?: unknown;
  /** The body's exact bytes (base64 undone), kept by bodyGuard for signature checks. */
  rawBody?: Buffer;
};
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** What the edge keeps for itself between a request's start and its end (middy's `request.internal`). */
interface EdgeScratch extends Record<string, unknown> {
  requestId: string;
  startedAt: number;
}
export type Middleware = MiddlewareObj<HttpEvent, HttpResult, Error, Context>;

/** API Gateway's request id: the one the access log and the client see (elsewhere Lambda's, or a new one). */
const requestIdOf = (event: HttpEvent, context: Context | undefined): string =>
  event.requestContext?.requestId || context?.awsRequestId || randomUUID();

/**
 * Request id, the single error handler, and the request's one log line: the access line, carrying what
 * the request did upstream and its metrics (request-log.ts; the handler runs inside withRequestLog).
 */
export const contractEdge = (
  providerOf: (event: HttpEvent) => Provider | undefined,
): MiddlewareObj<HttpEvent, HttpResult, Error, Context, EdgeScratch> => ({
  before: (request) => {
    const requestId = requestIdOf(request.event, request.context);
    Object.assign(request.internal, { requestId, startedAt: performance.now() });
    logger.appendKeys({ request_id: requestId, stage: process.env.STAGE });
  },
  after: (request) => {
    const { requestId, startedAt } = request.internal;
    request.response = { ...request.response, headers: { ...request.response?.headers, 'x-request-id': requestId } };
    logger.info('request completed', {
      route: request.event.routeKey,
      status: request.response.statusCode,
      duration_ms: Math.round(performance.now() - startedAt),
      ...takeRequestFields(),
    });
  },
  onError: (request) => {
    // `before` may not have run (an error in middy itself): the request still gets an id and a line.
    const requestId = request.internal.requestId ?? requestIdOf(request.event, request.context);
    const startedAt = request.internal.startedAt ?? performance.now();
    const error = toApiError(request.error);
    const provider = providerOf(request.event);
    const fields = {
      route: request.event.routeKey,
      status: error.status,
      code: error.code,
      upstream: error.upstream,
      reason: error.reason,
      duration_ms: Math.round(performance.now() - startedAt),
      // A CONFIGURATION_ERROR is counted on this line, under the route's provider.
      ...takeRequestFields(error.code === 'CONFIGURATION_ERROR' && provider ? { provider, metrics: CONFIGURATION_ERROR_METRICS } : undefined),
    };
    if (error.status >= 500) {
      // The cause's stack helps on-call; the logger's redaction scrubs anything personal in it.
      logger.error('request failed', { ...fields, error: error.code === 'INTERNAL_ERROR' ? error.cause : undefined });
    } else logger.info('request rejected', fields);
    request.response = errorResponse(error, requestId);
  },
});

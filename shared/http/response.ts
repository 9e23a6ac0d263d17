// The only place that shapes what API Gateway sends back. A route's success answer is declared once, next
// to its request schemas (shared/routes/<name>/schema.ts): its status and the zod schema of its body. The
// domain call's return type comes from it, and the OpenAPI document and the tests read the same object.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { ApiError } from '../errors.ts';

/** A route's success answer: its status and its body's schema. */
export interface RouteResponse {
  readonly status: number;
  readonly body: z.ZodMiniType;
}

/** What a route's domain call returns, typed by its RouteResponse. */
export interface RouteResult<R extends RouteResponse> {
  statusCode: R['status'];
  body: z.output<R['body']>;
}

export interface JsonResult {
  statusCode: number;
  body: unknown;
}

/** `{ received: true }`: what a provider's notification is acknowledged with (repeats too). */
export const acknowledgement = z.strictObject({ received: z.literal(true) });

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** A success answer; the edge adds `x-request-id` (contractEdge). */
export const jsonResponse = (result: JsonResult): APIGatewayProxyStructuredResultV2 => ({
  statusCode: result.statusCode,
  headers: { ...JSON_HEADERS },
  body: JSON.stringify(result.body),
});

/** The contract's one error body, with the request id a frontend quotes when reporting a problem. */
export const errorResponse = (error: ApiError, requestId: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: error.status,
  headers: { ...JSON_HEADERS, 'x-request-id': requestId },
  body: JSON.stringify({
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      ...(error.upstream ? { upstream: error.upstream } : {}),
      request_id: requestId,
    },
  }),
});

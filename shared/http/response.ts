// The only place that shapes what API Gateway sends back.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiError } from '../errors.ts';

export interface JsonResult {
  statusCode: number;
  body: unknown;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export const jsonResponse = (result: JsonResult, requestId: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: result.statusCode,
  headers: { ...JSON_HEADERS, 'x-request-id': requestId },
  body: JSON.stringify(result.body),
});

export const errorResponse = (error: ApiError, requestId: string): APIGatewayProxyStructuredResultV2 =>
  jsonResponse(
    {
      statusCode: error.status,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
          ...(error.upstream ? { upstream: error.upstream } : {}),
          request_id: requestId,
        },
      },
    },
    requestId,
  );

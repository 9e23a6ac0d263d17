// What API Gateway (HTTP API, payload format 2.0) and the Lambda runtime hand a handler, built from a
// Node request, and the handler's structured result written back, so the functions run unmodified.
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

/**
 * The stages' function timeout (infra/config.ts FUNCTION_TIMEOUT_SECONDS), repeated here rather than
 * imported because that module loads the CDK; the handlers derive their provider deadlines from it.
 */
const LOCAL_FUNCTION_TIMEOUT_MS = 20_000;

/** The request as read off the socket: lower-cased headers, raw body bytes. */
export interface LocalRequest {
  method: string;
  /** Path and query exactly as sent, e.g. `/v1/orders?x=1`. */
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
}

export interface MatchedRoute {
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
}

/** Lower-cased names; repeated headers joined with `,`, as API Gateway's 2.0 payload does. */
export const headersOf = (req: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers[name.toLowerCase()] = values.join(',');
  }
  return headers;
};

// API Gateway hands text bodies over as they are and everything else base64-encoded.
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)\b|application\/[\w.+-]+\+(json|xml)\b)/i;

const bodyOf = (request: LocalRequest): { body?: string; isBase64Encoded: boolean } => {
  if (request.body.length === 0) return { isBase64Encoded: false };
  const textual = TEXT_TYPES.test(request.headers['content-type'] ?? '') && isUtf8(request.body);
  return textual
    ? { body: request.body.toString('utf8'), isBase64Encoded: false }
    : { body: request.body.toString('base64'), isBase64Encoded: true };
};

const queryOf = (search: URLSearchParams): Record<string, string> | undefined => {
  const query: Record<string, string> = {};
  for (const key of new Set(search.keys())) query[key] = search.getAll(key).join(',');
  return Object.keys(query).length > 0 ? query : undefined;
};

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
const apiGatewayTime = (date: Date): string => {
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(date.toUTCString()) ?? [];
  return `${day}/${month}/${year}:${time} +0000`;
};

export const httpApiEvent = (request: LocalRequest, route: MatchedRoute, requestId: string): APIGatewayProxyEventV2 => {
  const url = new URL(request.target, 'http://local');
  const now = new Date();
  const host = request.headers.host ?? '127.0.0.1';
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(request.headers.cookie ? { cookies: request.headers.cookie.split(/;\s*/) } : {}),
    headers: request.headers,
    ...(queryOf(url.searchParams) ? { queryStringParameters: queryOf(url.searchParams) } : {}),
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...bodyOf(request),
  };
};

/** A fresh invocation's context: its remaining time runs down from the stages' function timeout. */
export const lambdaContext = (functionName: string, timeoutMs = LOCAL_FUNCTION_TIMEOUT_MS): Context => {
  const deadline = Date.now() + timeoutMs;
  const fail = (): void => {
    throw new Error('callback-style completion is not supported: handlers are async');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024', // the stages' FUNCTION_MEMORY_MB (infra/config.ts, which loads the CDK)
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
};

/** A 2.0 result as API Gateway turns it into HTTP; a bare string is a 200 JSON body. */
export const toHttpAnswer = (
  result: APIGatewayProxyResultV2,
): { status: number; headers: Record<string, string>; cookies: string[]; body: Buffer } => {
  if (typeof result === 'string') {
    return { status: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(result) };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const text = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers,
    cookies: result.cookies ?? [],
    body: result.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
};

export const writeAnswer = (
  res: ServerResponse,
  answer: { status: number; headers: Record<string, string>; cookies?: string[]; body: Buffer },
): void => {
  const headers: Record<string, string | string[]> = { ...answer.headers, 'content-length': String(answer.body.length) };
  if (answer.cookies && answer.cookies.length > 0) headers['set-cookie'] = answer.cookies;
  res.writeHead(answer.status, headers);
  res.end(answer.body);
};

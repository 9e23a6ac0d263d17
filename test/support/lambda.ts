// Builders for what API Gateway (HTTP API, payload 2.0) and Lambda hand a handler.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export interface EventOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  base64?: boolean;
  routeKey?: string;
  /** The authorizer's verified claims; default a clinic (CLINIC_A), `null` for none (no authorizer ran). */
  claims?: Record<string, unknown> | null;
}

/** Verified claims as API Gateway's JWT authorizer hands them over, for two clinic applications. */
const TEST_ISSUER = 'https://issuer.test';
export const CLINIC_A = { iss: TEST_ISSUER, client_id: 'clinic-a', sub: 'clinic-a', scope: 'clinic-payments/payments.write clinic-payments/payments.read' };
export const CLINIC_B = { ...CLINIC_A, client_id: 'clinic-b', sub: 'clinic-b' };
/** The owner shared/http/owner.ts derives from those claims. */
export const ownerOfClaims = (claims: { iss: string; client_id: string }): string => `${claims.iss}|${claims.client_id}`;

export const httpEvent = (options: EventOptions = {}): APIGatewayProxyEventV2 => {
  const raw = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const [method = 'POST', path = '/'] = (options.routeKey ?? 'POST /').split(' ');
  return {
    version: '2.0',
    routeKey: options.routeKey ?? 'POST /',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${randomUUID()}`,
      routeKey: options.routeKey ?? 'POST /',
      stage: '$default',
      time: '',
      timeEpoch: Date.now(),
      ...(options.claims === null ? {} : { authorizer: { jwt: { claims: options.claims ?? CLINIC_A, scopes: [] } } }),
    },
    body: raw === undefined ? undefined : options.base64 ? Buffer.from(raw).toString('base64') : raw,
    isBase64Encoded: options.base64 ?? false,
  };
};

export const lambdaContext = (remainingMs = 20_000): Context => {
  const end = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/test',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: any;
}

export const invoke = async (handler: Handler, options: EventOptions = {}, context = lambdaContext()): Promise<Answer> => {
  const result = await handler(httpEvent(options), context);
  return {
    status: result.statusCode ?? 0,
    headers: (result.headers ?? {}),
    body: result.body ? JSON.parse(result.body) : undefined,
  };
};

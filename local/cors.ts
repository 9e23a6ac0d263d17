// CORS as API Gateway's HTTP API applies it in front of the functions, with the stack's rule
// (shared/http/cors.ts) and the local stage's origins. The functions never see a preflight and never set
// CORS headers themselves; API Gateway would ignore them anyway.
import { CORS_RULE } from '#shared/http/cors.ts';

type Headers = Record<string, string | undefined>;

/** The exact origins allowed (`*` allows any, as in API Gateway); everything else gets no CORS headers. */
export interface CorsOrigins {
  allowOrigins: readonly string[];
}

const allowedOrigin = (headers: Headers, policy: CorsOrigins): string | undefined => {
  const origin = headers.origin;
  if (origin === undefined || origin === '') return undefined;
  if (policy.allowOrigins.includes('*')) return '*';
  return policy.allowOrigins.includes(origin) ? origin : undefined;
};

/** API Gateway answers these itself (before any route or authorizer), whatever the path. */
export const isPreflight = (method: string, headers: Headers): boolean =>
  method === 'OPTIONS' && Boolean(headers.origin) && Boolean(headers['access-control-request-method']);

/** 204's headers: the rule for an allowed origin, none for any other (the browser then blocks the call). */
export const preflightHeaders = (headers: Headers, policy: CorsOrigins): Record<string, string> => {
  const origin = allowedOrigin(headers, policy);
  if (origin === undefined) return { vary: 'origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': CORS_RULE.allowMethods.join(','),
    'access-control-allow-headers': CORS_RULE.allowHeaders.join(','),
    'access-control-max-age': String(CORS_RULE.maxAgeSeconds),
    vary: 'origin',
  };
};

/** Added to every routed answer (errors included) for an allowed origin. */
export const responseCorsHeaders = (headers: Headers, policy: CorsOrigins): Record<string, string> => {
  const origin = allowedOrigin(headers, policy);
  if (origin === undefined) return { vary: 'origin' };
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': CORS_RULE.exposeHeaders.join(','),
    vary: 'origin',
  };
};

/** A function's own CORS headers are dropped, as API Gateway does when the API has a CORS rule. */
export const withoutCorsHeaders = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('access-control-')));

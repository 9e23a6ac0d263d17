// A route is one schema, one domain call and this wiring. Handlers in functions/ only call one of the
// builders: jsonRoute (a JSON object body), rawBodyRoute (the body's exact bytes, for signed provider
// webhooks) or getRoute (validated path and query parameters). All three share contractEdge and its one error
// handler; a clinic route then fails closed without verified claims (owner.ts). Each hands the domain call
// what every route needs: its settings, its secret, its time budget, its caller (the owner).
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { FUNCTIONS, routeKey, SECRET_ID_SETTING, type FunctionName, type FunctionSpec, type SecretName, type SettingName } from '../catalog.ts';
import type { getSecret, SecretValues } from '../config/secrets.ts';
import { loadSettings, type Settings } from '../config/settings.ts';
import { ApiError, configurationError } from '../errors.ts';
import { DEFAULT_UPSTREAM_TIMEOUT_MS } from '../limits.ts';
import { withRequestLog } from '../observability/request-log.ts';
import { currentRequest } from '../observability/request-scope.ts';
import type { CallBudget } from '../providers/http-client.ts';
import type { Provider } from '../providers/provider.ts';
import { bodyGuard, requireJsonObject } from './body-guard.ts';
import { contractEdge, type HttpEvent, type HttpResult } from './edge.ts';
import { ownerOf, requireOwner, requireVerifiedOwner } from './owner.ts';
import { jsonResponse, type RouteResponse, type RouteResult } from './response.ts';
import { invalidRequest } from './validation.ts';

type SpecOf<F extends FunctionName> = (typeof FUNCTIONS)[F];
type SettingsOf<F extends FunctionName> = Settings<SpecOf<F>['settings'][number]>;
/** The catalog's `secret` of the function; `never` for a function that has none. */
type SecretOf<F extends FunctionName> = SpecOf<F> extends { secret: infer S extends SecretName } ? SecretValues[S] : never;
/** A clinic route always has its owner (it answered 401 otherwise); a provider's (`public`) route has none. */
type CallerOf<F extends FunctionName> = SpecOf<F> extends { public: true } ? undefined : string;

/**
 * Secrets Manager access (shared/config/secrets.ts), handed in by the handlers of functions with a catalog
 * secret: imported here it would bundle the Secrets Manager client into every function (~10-18 KiB).
 */
export type SecretLoader = typeof getSecret;

export interface RouteContext<F extends FunctionName, H = unknown> {
  settings: SettingsOf<F>;
  headers: H;
  /** The function's one secret (the catalog's `secret`), fetched on first call: after validation. */
  secret: () => Promise<SecretOf<F>>;
  /** For every provider call: UPSTREAM_TIMEOUT_MS, and the invocation's deadline (request-scope.ts). */
  budget: CallBudget;
  /** The owner (shared/http/owner.ts), on clinic routes: they answer 401 before this without one. */
  caller: CallerOf<F>;
  lambdaContext: Context;
}

/** What every builder takes besides the route's own schemas and call. */
interface RouteBase<F extends FunctionName, R extends RouteResponse> {
  name: F;
  /** The success answer (shared/routes/<name>/schema.ts): its status and body type the domain call's result. */
  response: R;
  /** Where the catalog gives the function a `secret`: how ctx.secret() reads it. */
  secrets?: SecretLoader;
}

export interface JsonRouteDefinition<F extends FunctionName, B extends z.ZodMiniType, H extends z.ZodMiniType, R extends RouteResponse>
  extends RouteBase<F, R> {
  body: B;
  /** Validated request headers (lower-case names), reported under `headers.*`. */
  headers?: H;
  handle: (input: z.output<B>, ctx: RouteContext<F, z.output<H>>) => Promise<RouteResult<R>>;
}

export interface RawBodyRouteDefinition<F extends FunctionName, H extends z.ZodMiniType, R extends RouteResponse> extends RouteBase<F, R> {
  headers?: H;
  /** Gets the body's exact bytes, unparsed: a signature over them is checked before anything reads them. */
  handle: (raw: Buffer, ctx: RouteContext<F, z.output<H>>) => Promise<RouteResult<R>>;
}

export interface GetRouteDefinition<F extends FunctionName, P extends z.ZodMiniType, Q extends z.ZodMiniType, R extends RouteResponse>
  extends RouteBase<F, R> {
  /** Validated `event.pathParameters`, reported under `path.*`. */
  path: P;
  /** Validated `event.queryStringParameters`, reported under `query.*`. */
  query?: Q;
  handle: (params: z.output<P>, ctx: RouteContext<F>, query: z.output<Q>) => Promise<RouteResult<R>>;
}

/** The provider a CONFIGURATION_ERROR is counted under: the matched route's, else the function's. */
const providerOf =
  (spec: FunctionSpec) =>
  (event: HttpEvent): Provider | undefined =>
    spec.routes.find((route) => routeKey(route) === event.routeKey)?.provider ?? spec.provider;

/** The middleware every route starts with; a clinic route then fails closed without verified claims. */
const edge = (spec: FunctionSpec) => {
  const chain = middy<HttpEvent, HttpResult>().use(contractEdge(providerOf(spec)));
  return spec.public === true ? chain : chain.use(requireVerifiedOwner());
};

const routeContext = <F extends FunctionName, H>(
  { name, secrets }: RouteBase<F, RouteResponse>,
  event: HttpEvent,
  context: Context,
  headers: H,
): RouteContext<F, H> => {
  const spec: FunctionSpec = FUNCTIONS[name];
  // The builders' handlers run only inside withRequestLog, whose scope holds the invocation's deadline.
  const scope = currentRequest();
  if (!scope) throw new ApiError('INTERNAL_ERROR', { reason: 'route run outside its request scope' });
  const settings = loadSettings<SettingName>(spec.settings);
  return {
    settings,
    headers,
    secret: () => {
      if (!spec.secret || !secrets) return Promise.reject(configurationError(`catalog: ${name} has no secret, or its handler no loader`));
      return secrets(spec.secret, settings[SECRET_ID_SETTING[spec.secret]], settings.STAGE) as Promise<SecretOf<F>>;
    },
    budget: {
      // Only functions that call a provider list UPSTREAM_TIMEOUT_MS.
      timeoutMs: settings.UPSTREAM_TIMEOUT_MS ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
      deadline: scope.deadline,
    },
    // requireVerifiedOwner already ran on a clinic route; requireOwner here is what types it a string.
    caller: (spec.public === true ? undefined : requireOwner(ownerOf(event))) as CallerOf<F>,
    lambdaContext: context,
  };
};

/** A POST route with a JSON object body (or, where the catalog says `arrayBody`, an array too). */
export const jsonRoute = <F extends FunctionName, B extends z.ZodMiniType, H extends z.ZodMiniType, R extends RouteResponse>(
  definition: JsonRouteDefinition<F, B, H, R>,
) =>
  // What Lambda calls: the route's middy chain, inside the request's one log line.
  withRequestLog(
    edge(FUNCTIONS[definition.name])
      .use(bodyGuard())
      .use(httpJsonBodyParser())
      .use(requireJsonObject({ arrays: (FUNCTIONS[definition.name] as FunctionSpec).arrayBody === true }))
      .handler(async (event, context) => {
        const body = definition.body.safeParse(event.body);
        const headers = definition.headers?.safeParse(event.headers ?? {});
        if (!body.success || headers?.success === false) throw invalidRequest([body, 'body'], [headers, 'headers']);
        // Without a header schema the route reads no headers (H's output is then `unknown`).
        const ctx = routeContext(definition, event, context, headers?.data as z.output<H>);
        return jsonResponse(await definition.handle(body.data, ctx));
      }),
  );

/** A POST route whose handler gets the body's exact bytes: same content-type and size rules, no parsing. */
export const rawBodyRoute = <F extends FunctionName, H extends z.ZodMiniType, R extends RouteResponse>(
  definition: RawBodyRouteDefinition<F, H, R>,
) =>
  // What Lambda calls: the route's middy chain, inside the request's one log line.
  withRequestLog(
    edge(FUNCTIONS[definition.name])
      .use(bodyGuard())
      .handler(async (event, context) => {
        const headers = definition.headers?.safeParse(event.headers ?? {});
        if (headers?.success === false) throw invalidRequest([headers, 'headers']);
        if (!event.rawBody) throw new ApiError('INTERNAL_ERROR', { reason: 'raw body not kept by bodyGuard' });
        const ctx = routeContext(definition, event, context, headers?.data as z.output<H>);
        return jsonResponse(await definition.handle(event.rawBody, ctx));
      }),
  );

/** A GET route: no body, validated path (and query) parameters. */
export const getRoute = <F extends FunctionName, P extends z.ZodMiniType, R extends RouteResponse, Q extends z.ZodMiniType = z.ZodMiniType>(
  definition: GetRouteDefinition<F, P, Q, R>,
) =>
  // What Lambda calls: the route's middy chain, inside the request's one log line.
  withRequestLog(
    edge(FUNCTIONS[definition.name]).handler(async (event, context) => {
      const path = definition.path.safeParse(event.pathParameters ?? {});
      const query = definition.query?.safeParse(event.queryStringParameters ?? {});
      if (!path.success || query?.success === false) throw invalidRequest([path, 'path'], [query, 'query']);
      // Without a query schema the route reads no query (Q's output is then `unknown`).
      const ctx = routeContext(definition, event, context, undefined);
      return jsonResponse(await definition.handle(path.data, ctx, query?.data as z.output<Q>));
    }),
  );

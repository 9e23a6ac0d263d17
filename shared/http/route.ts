// A route is one schema, one domain call and this wiring. Handlers in functions/ only call one of the
// builders: jsonRoute (a JSON object body), rawBodyRoute (the body's exact bytes, for signed provider
// webhooks) or getRoute (validated path parameters). All three share contractEdge and its one error handler.
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { FUNCTIONS, routeKey, type FunctionName, type FunctionSpec, type SettingName } from '../catalog.ts';
import { loadSettings, type Settings } from '../config/settings.ts';
import { ApiError } from '../errors.ts';
import { withRequestLog } from '../observability/request-log.ts';
import type { Provider } from '../observability/metric-names.ts';
import {
  contractEdge,
  jsonBodyGuard,
  rawBodyOf,
  requestIdOf,
  requireJsonObject,
  type HttpEvent,
  type HttpResult,
} from './middlewares.ts';
import { ownerOf, requireVerifiedOwner } from './owner.ts';
import { jsonResponse, type JsonResult } from './response.ts';
import { parseRequest } from './validation.ts';

type SettingsOf<F extends FunctionName> = Settings<(typeof FUNCTIONS)[F]['settings'][number]>;

/** Leave this much of the Lambda's time to answer after the last provider call gives up. */
const RESPONSE_MARGIN_MS = 500;

export interface RouteContext<F extends FunctionName, H = unknown> {
  requestId: string;
  settings: SettingsOf<F>;
  headers: H;
  /** Epoch ms by which every provider call must have ended (the Lambda's own deadline, less a margin). */
  deadline: number;
  /** The owner (shared/http/owner.ts); always set on clinic routes, which answer 401 without one. */
  caller: string | undefined;
  lambdaContext: Context;
}

export interface JsonRouteDefinition<F extends FunctionName, B extends z.ZodMiniType, H extends z.ZodMiniType> {
  name: F;
  body: B;
  /** Validated request headers (lower-case names), reported under `headers.*`. */
  headers?: H;
  handle: (input: z.output<B>, ctx: RouteContext<F, z.output<H>>) => Promise<JsonResult>;
}

export interface RawBodyRouteDefinition<F extends FunctionName, H extends z.ZodMiniType> {
  name: F;
  headers?: H;
  /** Gets the body's exact bytes, unparsed: a signature over them is checked before anything reads them. */
  handle: (raw: Buffer, ctx: RouteContext<F, z.output<H>>) => Promise<JsonResult>;
}

export interface GetRouteDefinition<F extends FunctionName, P extends z.ZodMiniType, Q extends z.ZodMiniType> {
  name: F;
  /** Validated `event.pathParameters`, reported under `path.*`. */
  path: P;
  /** Validated `event.queryStringParameters`, reported under `query.*`. */
  query?: Q;
  handle: (params: z.output<P>, ctx: RouteContext<F>, query: z.output<Q>) => Promise<JsonResult>;
}

const deadlineOf = (context: Context | undefined): number => {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
  return Date.now() + Math.max(0, remaining - RESPONSE_MARGIN_MS);
};


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

const routeContext = <F extends FunctionName, H>(name: F, event: HttpEvent, context: Context, headers: H): RouteContext<F, H> => ({
  requestId: requestIdOf(event, context),
  settings: loadSettings<SettingName>(FUNCTIONS[name].settings),
  headers,
  deadline: deadlineOf(context),
  caller: ownerOf(event),
  lambdaContext: context,
});

/** A POST route with a JSON object body. */
export const jsonRoute = <F extends FunctionName, B extends z.ZodMiniType, H extends z.ZodMiniType>(
  definition: JsonRouteDefinition<F, B, H>,
) =>
  // What Lambda calls: the route's middy chain, inside the request's one log line.
  withRequestLog(
    edge(FUNCTIONS[definition.name])
      .use(jsonBodyGuard())
      .use(httpJsonBodyParser())
      .use(requireJsonObject())
      .handler(async (event, context) => {
        const parsed = parseRequest({ body: [definition.body, event.body], headers: [definition.headers, event.headers ?? {}] });
        const ctx = routeContext(definition.name, event, context, parsed.headers as z.output<H>);
        return jsonResponse(await definition.handle(parsed.body as z.output<B>, ctx), ctx.requestId);
      }),
  );

/** A POST route whose handler gets the body's exact bytes: same content-type and size rules, no parsing. */
export const rawBodyRoute = <F extends FunctionName, H extends z.ZodMiniType>(definition: RawBodyRouteDefinition<F, H>) =>
  // What Lambda calls: the route's middy chain, inside the request's one log line.
  withRequestLog(
    edge(FUNCTIONS[definition.name])
      .use(jsonBodyGuard())
      .handler(async (event, context) => {
        const parsed = parseRequest({ headers: [definition.headers, event.headers ?? {}] });
        const raw = rawBodyOf(event);
        if (!raw) throw new ApiError('INTERNAL_ERROR', { reason: 'raw body not kept by jsonBodyGuard' });
        const ctx = routeContext(definition.name, event, context, parsed.headers as z.output<H>);
        return jsonResponse(await definition.handle(raw, ctx), ctx.requestId);
      }),
  );

/** A GET route: no body, validated path (and query) parameters. */
export const getRoute = <F extends FunctionName, P extends z.ZodMiniType, Q extends z.ZodMiniType = z.ZodMiniType>(
  definition: GetRouteDefinition<F, P, Q>,
) =>
  // What Lambda calls: the route's middy chain, inside the request's one log line.
  withRequestLog(
    edge(FUNCTIONS[definition.name]).handler(async (event, context) => {
      const parsed = parseRequest({
        path: [definition.path, event.pathParameters ?? {}],
        query: [definition.query, event.queryStringParameters ?? {}],
      });
      const ctx = routeContext(definition.name, event, context, undefined);
      return jsonResponse(await definition.handle(parsed.path as z.output<P>, ctx, parsed.query as z.output<Q>), ctx.requestId);
    }),
  );

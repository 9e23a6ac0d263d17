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
} from './edge.ts';
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
  /** The authenticated caller (`iss|sub` of the clinic JWT), where API Gateway's authorizer ran. */
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

export interface GetRouteDefinition<F extends FunctionName, P extends z.ZodMiniType> {
  name: F;
  /** Validated `event.pathParameters`, reported under `path.*`. */
  path: P;
  handle: (params: z.output<P>, ctx: RouteContext<F>) => Promise<JsonResult>;
}

const deadlineOf = (context: Context | undefined): number => {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
  return Date.now() + Math.max(0, remaining - RESPONSE_MARGIN_MS);
};

const claimOf = (claims: unknown, name: string): string | undefined => {
  const value = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** HTTP API's JWT authorizer puts the verified claims at requestContext.authorizer.jwt.claims. */
const callerOf = (event: HttpEvent): string | undefined => {
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: unknown } } } | undefined)?.authorizer;
  const claims = authorizer?.jwt?.claims;
  const subject = claimOf(claims, 'sub') ?? claimOf(claims, 'client_id');
  return subject === undefined ? undefined : `${claimOf(claims, 'iss') ?? ''}|${subject}`;
};

/** The provider a CONFIGURATION_ERROR is counted under: the matched route's, else the function's. */
const providerOf =
  (spec: FunctionSpec) =>
  (event: HttpEvent): Provider | undefined =>
    spec.routes.find((route) => routeKey(route) === event.routeKey)?.provider ?? spec.provider;

/** The middleware every route starts with. */
const edge = (spec: FunctionSpec) => middy<HttpEvent, HttpResult>().use(contractEdge(providerOf(spec)));

const routeContext = <F extends FunctionName, H>(name: F, event: HttpEvent, context: Context, headers: H): RouteContext<F, H> => ({
  requestId: requestIdOf(event, context),
  settings: loadSettings<SettingName>(FUNCTIONS[name].settings),
  headers,
  deadline: deadlineOf(context),
  caller: callerOf(event),
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

/** A GET route: no body, validated path parameters. */
export const getRoute = <F extends FunctionName, P extends z.ZodMiniType>(definition: GetRouteDefinition<F, P>) =>
  // What Lambda calls: the route's middy chain, inside the request's one log line.
  withRequestLog(
    edge(FUNCTIONS[definition.name]).handler(async (event, context) => {
      const parsed = parseRequest({ path: [definition.path, event.pathParameters ?? {}] });
      const ctx = routeContext(definition.name, event, context, undefined);
      return jsonResponse(await definition.handle(parsed.path as z.output<P>, ctx), ctx.requestId);
    }),
  );

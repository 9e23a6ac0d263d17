// A route is one schema, one domain call and this wiring. Handlers in functions/ only call jsonRoute.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { FUNCTIONS, type FunctionName, type SettingName } from '../catalog.ts';
import { loadSettings, type Settings } from '../config/settings.ts';
import { logger } from '../observability/logger.ts';
import type { Provider } from '../observability/metric-names.ts';
import { contractEdge, jsonBodyGuard, requestIdOf, requireJsonObject, type HttpEvent, type HttpResult } from './middlewares.ts';
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
}

export interface JsonRouteDefinition<F extends FunctionName, B extends z.ZodMiniType, H extends z.ZodMiniType> {
  name: F;
  body: B;
  /** Validated request headers (lower-case names), reported under `headers.*`. */
  headers?: H;
  handle: (input: z.output<B>, ctx: RouteContext<F, z.output<H>>) => Promise<JsonResult>;
}

const deadlineOf = (context: Context | undefined): number => {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
  return Date.now() + Math.max(0, remaining - RESPONSE_MARGIN_MS);
};

/** A POST route with a JSON object body. */
export const jsonRoute = <F extends FunctionName, B extends z.ZodMiniType, H extends z.ZodMiniType>(
  definition: JsonRouteDefinition<F, B, H>,
) => {
  const spec = FUNCTIONS[definition.name];
  const provider: Provider | undefined = 'provider' in spec ? spec.provider : undefined;
  return middy<HttpEvent, HttpResult>()
    .use(contractEdge(provider))
    .use(injectLambdaContext(logger))
    .use(jsonBodyGuard())
    .use(httpJsonBodyParser())
    .use(requireJsonObject())
    .handler(async (event, context) => {
      const parsed = parseRequest({ body: [definition.body, event.body], headers: [definition.headers, event.headers ?? {}] });
      const settings = loadSettings<SettingName>(spec.settings) as unknown as SettingsOf<F>;
      const requestId = requestIdOf(event, context);
      const result = await definition.handle(parsed.body as z.output<B>, {
        requestId,
        settings,
        headers: parsed.headers as z.output<H>,
        deadline: deadlineOf(context),
      });
      return jsonResponse(result, requestId);
    });
};

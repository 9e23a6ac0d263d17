// The catalog's routes, matched as API Gateway's HTTP API matches route keys: `{name}` is one path segment
// (`{name+}` the rest of the path), literal segments win over parameters, no trailing-slash leniency, and
// a known path with another method is simply not found (HTTP API has no 405).
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { FunctionSpec } from '#shared/catalog.ts';

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface LocalRoute {
  functionName: string;
  method: string;
  path: string;
  /** `POST /v1/orders`, as `event.routeKey` carries it. */
  routeKey: string;
  segments: Segment[];
}

export interface RouteMatch {
  route: LocalRoute;
  pathParameters: Record<string, string> | undefined;
}

const parseSegments = (path: string): Segment[] =>
  path
    .split('/')
    .slice(1)
    .map((text): Segment => {
      const param = /^\{([\w-]+)(\+)?\}$/.exec(text);
      if (!param?.[1]) return { kind: 'literal', text };
      return param[2] ? { kind: 'greedy', name: param[1] } : { kind: 'param', name: param[1] };
    });

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/** Most specific first: position by position, a literal beats a parameter, which beats a greedy one. */
const bySpecificity = (a: LocalRoute, b: LocalRoute): number => {
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i += 1) {
    const left = a.segments[i];
    const right = b.segments[i];
    if (!left || !right) return left ? -1 : 1;
    if (RANK[left.kind] !== RANK[right.kind]) return RANK[left.kind] - RANK[right.kind];
  }
  return 0;
};

export const compileRoutes = (catalog: Readonly<Record<string, Pick<FunctionSpec, 'routes'>>>): LocalRoute[] =>
  Object.entries(catalog)
    .flatMap(([functionName, spec]) =>
      spec.routes.map((route) => ({
        functionName,
        method: route.method.toUpperCase(),
        path: route.path,
        routeKey: `${route.method.toUpperCase()} ${route.path}`,
        segments: parseSegments(route.path),
      })),
    )
    .sort(bySpecificity);

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // malformed escapes reach the function as sent; its path schema decides
  }
};

const matchSegments = (segments: Segment[], parts: string[]): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i];
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.every((p) => p === '')) return undefined;
      params[segment.name] = decode(rest.join('/'));
      return params;
    }
    if (part === undefined || part === '') return undefined;
    if (segment.kind === 'literal' && part !== segment.text) return undefined;
    if (segment.kind === 'param') params[segment.name] = decode(part);
  }
  return parts.length === segments.length ? params : undefined;
};

export const matchRoute = (routes: readonly LocalRoute[], method: string, pathname: string): RouteMatch | undefined => {
  const parts = pathname.split('/').slice(1);
  for (const route of routes) {
    if (route.method !== method.toUpperCase()) continue;
    const params = matchSegments(route.segments, parts);
    if (params) return { route, pathParameters: Object.keys(params).length > 0 ? params : undefined };
  }
  return undefined;
};

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

const FUNCTIONS_DIR = fileURLToPath(new URL('../functions/', import.meta.url));

/** The same module the build bundles for Lambda: functions/<name>/handler.ts, its `handler` export. */
export const loadHandler = async (functionName: string): Promise<LambdaHandler> => {
  const file = `${FUNCTIONS_DIR}${functionName}/handler.ts`;
  const module = (await import(pathToFileURL(file).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${file} does not export a handler function`);
  return module.handler as LambdaHandler;
};

// The OpenAPI 3.1 document, generated from the catalog (routes) and the zod schemas the handlers validate
// with (request side: `io: 'input'`, so the RUT and phone rules describe what a client may send, not what
// we forward). Served by `npm start` at /openapi.json and kept in the repository for frontend teams:
//   npx node local/openapi.ts --write   rewrites local/openapi.json (a test fails while it differs);
//   `npx node` is the project's Node 24, which runs .ts files; a system Node 20 does not.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { CLINIC_SCOPES, FUNCTIONS, requiredScope, RESOURCE_SERVER, type FunctionName, type RouteFunctionName, type FunctionSpec, type RouteSpec, secretsOf } from '#shared/catalog.ts';
import { ERROR_STATUS, type ErrorCode } from '#shared/errors.ts';
import { errorBody, FIELD_DOCS, OPERATIONS, type OperationDoc } from './openapi-operations.ts';

const OPENAPI_FILE = fileURLToPath(new URL('./openapi.json', import.meta.url));

type Json = Record<string, unknown>;

/** One JSON Schema per zod schema, without the per-document `$schema` (OpenAPI 3.1's dialect applies). */
const jsonSchemaOf = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    // Refinements (check digits, return-URL origins) have no JSON Schema form; the description says them.
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      // An undefined value removes what zod wrote (e.g. a raw maxLength the pattern states better).
      for (const [key, value] of Object.entries(FIELD_DOCS.get(zodSchema) ?? {})) {
        if (value === undefined) delete jsonSchema[key];
        else jsonSchema[key] = value;
      }
    },
  }) as Json;
  return json;
};

const pascal = (name: string): string => name.replace(/(^|[-_])(\w)/g, (_m, _sep: string, ch: string) => ch.toUpperCase());
const camel = (name: string): string => pascal(name).replace(/^\w/, (ch) => ch.toLowerCase());
/** `idempotency-key` → `Idempotency-Key`: header names as the contract writes them. */
const headerName = (name: string): string => name.replace(/(^|-)(\w)/g, (m) => m.toUpperCase());

const PROVIDER_SETTINGS = ['SKIPPAY_API_URL', 'SKIP_BACKEND_URL', 'ETPAY_API_URL'];
const UPSTREAM_CODES: ErrorCode[] = ['UPSTREAM_REJECTED', 'UPSTREAM_AUTH_FAILED', 'UPSTREAM_BAD_RESPONSE', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'];

/** Every code a route can answer, from what it is (POST, behind the authorizer, calling a provider) and its extras. */
export const errorCodesOf = (route: RouteSpec, spec: FunctionSpec, doc: OperationDoc): ErrorCode[] => {
  const codes = new Set<ErrorCode>(['CONFIGURATION_ERROR', 'INTERNAL_ERROR', ...doc.extraErrors]);
  if (route.method === 'POST') for (const code of ['INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'] as const) codes.add(code);
  if (doc.body || doc.headers || doc.path || doc.query) codes.add('VALIDATION_ERROR');
  if (!spec.public) {
    codes.add('UNAUTHORIZED');
    codes.add('FORBIDDEN');
  }
  // Our own AWS dependencies: a secret to read or the payments table (shared/aws/dependency.ts).
  if (secretsOf(spec).length > 0 || spec.table) codes.add('DEPENDENCY_UNAVAILABLE');
  if (doc.upstreamErrors !== false && spec.settings.some((setting) => PROVIDER_SETTINGS.includes(setting))) for (const code of UPSTREAM_CODES) codes.add(code);
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => codes.has(code));
};

const errorResponses = (codes: readonly ErrorCode[]): Json => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((code) => `\`${code}\``).join(', '),
        headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        'x-error-codes': list,
      },
    ]),
  );
};

const parametersOf = (route: RouteSpec, doc: OperationDoc): Json[] => {
  const pathProps = (doc.path ? jsonSchemaOf(doc.path, 'input').properties : undefined) as Record<string, Json> | undefined;
  const pathParams = [...route.path.matchAll(/\{([\w-]+)\+?\}/g)].map(([, name = '']) => ({
    name,
    in: 'path',
    required: true,
    schema: pathProps?.[name] ?? { type: 'string' },
  }));
  const headers = doc.headers ? jsonSchemaOf(doc.headers, 'input') : undefined;
  const required = new Set((headers?.required as string[] | undefined) ?? []);
  const headerParams = Object.entries((headers?.properties ?? {}) as Record<string, Json>).map(([name, schema]) => ({
    name: headerName(name),
    in: 'header',
    required: required.has(name),
    schema,
  }));
  const query = doc.query ? jsonSchemaOf(doc.query, 'input') : undefined;
  const queryParams = Object.entries((query?.properties ?? {}) as Record<string, Json>).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema,
  }));
  return [...pathParams, ...queryParams, ...headerParams];
};

const operationOf = (name: RouteFunctionName, route: RouteSpec, spec: FunctionSpec, multiRoute: boolean): Json => {
  const doc = OPERATIONS[name];
  const suffix = multiRoute ? pascal(route.path.split('/').filter((s) => s && !s.startsWith('{')).at(-1) ?? '') : '';
  const parameters = parametersOf(route, doc);
  const bodySchema = doc.body ? { $ref: `#/components/schemas/${pascal(name)}Request` } : doc.rawBody;
  return {
    operationId: `${camel(name)}${suffix}`,
    summary: doc.summary,
    description: doc.description,
    tags: [doc.tag],
    'x-function': name,
    security: spec.public ? [] : [{ clinicOAuth: [requiredScope(route)] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(bodySchema ? { requestBody: { required: true, content: { 'application/json': { schema: bodySchema } } } } : {}),
    responses: {
      [String(doc.success.status)]: {
        description: doc.success.description,
        headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${pascal(name)}Response` } } },
      },
      ...errorResponses(errorCodesOf(route, spec, doc)),
    },
  };
};

export const buildOpenApiDocument = (): Json => {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = { Error: jsonSchemaOf(errorBody, 'output') };
  for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
    if (!(name in OPERATIONS)) continue; // a scheduled function: no route, no operation
    const doc = OPERATIONS[name as RouteFunctionName];
    const { routes } = spec;
    if (doc.body) schemas[`${pascal(name)}Request`] = jsonSchemaOf(doc.body, 'input');
    schemas[`${pascal(name)}Response`] = jsonSchemaOf(doc.success.body, 'output');
    for (const route of routes) {
      paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(name as RouteFunctionName, route, spec, routes.length > 1) };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'clinic-payments-api',
      version: '1',
      contact: { name: 'The clinic-payments-api team (the repository README says how to reach it)' },
      // No SPDX licence fits a private API; LicenseRef- is SPDX's form for one of your own.
      license: { name: 'Proprietary: for the clinics integrating with this API', identifier: 'LicenseRef-Proprietary' },
      description:
        'Payments between Chilean clinics\' frontends and Skip (SkipPay AAPD + Spot widget) and ETpay. Generated from the route catalog and the zod schemas the handlers validate with: do not edit, run `npx node local/openapi.ts --write`. Every error body is `Error`; `x-error-codes` lists the codes each status can carry.',
    },
    servers: [{ url: '/', description: 'Relative to where this document is served (`npm start`: http://127.0.0.1:3000).' }],
    tags: [
      { name: 'Skip', description: 'SkipPay AAPD orders (pay later) and the Spot widget that runs them in the patient\'s browser.' },
      { name: 'ETpay', description: 'Bank transfers with ETpay: open a session, send the payer to ETpay, verify the result they bring back.' },
      { name: 'Payment state', description: 'What the providers have said about a payment so far, for the clinic to read.' },
    ],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas,
      headers: { RequestId: { description: 'API Gateway\'s request id: quote it when reporting a problem.', schema: { type: 'string' } } },
      securitySchemes: {
        clinicOAuth: {
          type: 'oauth2',
          description:
            'An access token (JWT) from the stage\'s issuer, sent as `Authorization: Bearer …`. Checked by API Gateway in the stages and by `npm start` locally (README, Authenticating). The token URL is the stage\'s (Cognito domain `/oauth2/token`; locally `/oauth2/token`).',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/token',
              scopes: {
                [`${RESOURCE_SERVER}/${CLINIC_SCOPES.write}`]: 'Every POST clinic route: create orders, sessions, confirmations.',
                [`${RESOURCE_SERVER}/${CLINIC_SCOPES.read}`]: 'Every GET route: read and list the caller\'s payments.',
              },
            },
          },
        },
      },
    },
  };
};

/** The committed file's exact text: stable key order, two-space indent, final newline. */
export const openApiText = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;

export const committedOpenApiText = (): string => readFileSync(OPENAPI_FILE, 'utf8');

if (import.meta.main) {
  if (process.argv.includes('--write')) {
    writeFileSync(OPENAPI_FILE, openApiText());
    console.log(`wrote ${OPENAPI_FILE}`);
  } else process.stdout.write(openApiText());
}

// The OpenAPI document is exact: for every route with a validated body (found from the catalog, so a route
// added later is covered), a JSON Schema validator (ajv, as a client would run it on local/openapi.json)
// and the server's own zod schema agree on accept vs reject for ≥ 1,000 generated bodies: valid ones built
// from the document, near-valid ones (one mutation away) and random ones. Header and path parameters too.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { FUNCTIONS, ROUTE_FUNCTION_NAMES, type RouteFunctionName } from '#shared/catalog.ts';
import { checkDigit, parseRut } from '#shared/domain/rut.ts';
import { buildOpenApiDocument } from '../../local/openapi.ts';
import { OPERATIONS } from '../../local/openapi-operations.ts';
import { documentOf, mutationsOf, RUT_FORMAT, valueOf, type Schema } from './openapi-generators.ts';

// A CommonJS module: Node hands its module.exports (the plugin) over as the default export, while its
// types describe the namespace; `.default` is the plugin too.
type FormatsPlugin = typeof addFormatsModule.default;
const addFormats: FormatsPlugin = (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

const doc = documentOf(buildOpenApiDocument());
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
// Query and path values arrive as text: a client checks a non-string parameter (list-payments' `limit`) after
// reading the text as its type, as OpenAPI's form style defines and ajv's coerceTypes does.
const parameterAjv = new Ajv2020({ strict: true, allErrors: true, coerceTypes: true });
addFormats(parameterAjv);
// The document defines `cl-rut` in words (modulo 11); a client registers it as we do here.
ajv.addFormat(RUT_FORMAT, { type: 'string', validate: (value: string) => parseRut(value) !== undefined });

const RUNS_PER_CLASS = 400; // valid + near-valid + random: 1,200 bodies per route
// Fixed seed: a failure names its counterexample and reproduces exactly; no run depends on chance.
const SEED = 1414;

const agreement = (schema: Schema, server: z.ZodMiniType) => {
  const validate = ajv.compile(schema);
  return (value: unknown): { ajv: boolean; server: boolean } => {
    const body: unknown = JSON.parse(JSON.stringify(value) ?? 'null'); // what a client can actually send
    return { ajv: validate(body), server: server.safeParse(body).success };
  };
};

const routesWithBody = ROUTE_FUNCTION_NAMES.flatMap((name) => {
  const body = OPERATIONS[name].body;
  return body ? [{ name, body, schema: doc.components.schemas[`${name.replace(/(^|-)(\w)/g, (_m, _s: string, c: string) => c.toUpperCase())}Request`] }] : [];
});

describe('ajv on the OpenAPI document and the server agree on every request body', () => {
  it('covers every route that validates a body: the others take none (GET) or read it raw (documented as rawBody)', () => {
    for (const name of ROUTE_FUNCTION_NAMES) {
      const spec = FUNCTIONS[name] as { routes: readonly { method: string }[] };
      const takesNoBody = spec.routes.every((route) => route.method === 'GET');
      if (!OPERATIONS[name].body) expect(takesNoBody || OPERATIONS[name].rawBody !== undefined, name).toBe(true);
    }
    for (const route of routesWithBody) expect(route.schema, route.name).toBeDefined();
  });

  describe.each(routesWithBody)('$name', ({ body, schema }) => {
    const check = agreement(schema as Schema, body);
    const valid = valueOf(schema as Schema);
    const counts = { accepted: 0, refused: 0 };
    const agrees = (value: unknown): boolean => {
      const answer = check(value);
      counts[answer.server ? 'accepted' : 'refused'] += 1;
      return answer.ajv === answer.server;
    };

    it(`valid bodies from the document: both accept (${RUNS_PER_CLASS})`, () => {
      fc.assert(fc.property(valid, (value) => {
        expect(check(value)).toEqual({ ajv: true, server: true });
      }), { numRuns: RUNS_PER_CLASS, seed: SEED });
    });

    it(`near-valid bodies, one mutation away: both decide alike (${RUNS_PER_CLASS})`, () => {
      const before = counts.refused;
      fc.assert(fc.property(mutationsOf(valid), (value) => agrees(value)), { numRuns: RUNS_PER_CLASS, seed: SEED });
      // The mutations do reach the rules: most are refused, and some still pass (e.g. an optional field removed).
      // A body open by design (ETpay's notification: any object, README "TO BE CONFIRMED") has one rule to
      // reach, "a JSON object", which only the mutations that change the body's type break.
      const open = (schema as Schema).additionalProperties !== false && ((schema as Schema).required ?? []).length === 0;
      expect(counts.refused - before).toBeGreaterThan(open ? 0 : RUNS_PER_CLASS / 2);
    });

    it(`random bodies: both decide alike (${RUNS_PER_CLASS})`, () => {
      // A union's members (ETpay's notification: an object, or an array of them) lend their keys, and arrays of such objects are tried too.
      const members = (schema as Schema).anyOf ?? [schema as Schema];
      const keys = [...new Set(members.flatMap((member) => Object.keys(member.properties ?? member.items?.properties ?? {})))];
      const dictionary = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), fc.jsonValue(), { maxKeys: keys.length + 2 });
      const random = fc.oneof(fc.jsonValue(), dictionary, fc.array(fc.oneof(dictionary, fc.jsonValue()), { maxLength: 25 }));
      fc.assert(fc.property(random, (value) => agrees(value)), { numRuns: RUNS_PER_CLASS, seed: SEED });
    });
  });

  it('says the RUT check digit rule as the `cl-rut` format: a wrong check digit is refused by both', () => {
    const body = '12345678';
    const wrong = checkDigit(body) === '0' ? '1' : '0';
    const orderBody = OPERATIONS['create-order'].body as z.ZodMiniType;
    const check = agreement(doc.components.schemas.CreateOrderRequest as Schema, orderBody);
    const customer = { rut: `${body}-${wrong}`, first_name: 'Ana', last_name: 'Pérez', email: 'ana@example.cl', phone_number: '912345678' };
    expect(check({ total_amount: 1, customer })).toEqual({ ajv: false, server: false });
    expect(check({ total_amount: 1, customer: { ...customer, rut: `${body}-${checkDigit(body)}` } })).toEqual({ ajv: true, server: true });
  });
});

describe('ajv and the server agree on header and path parameters', () => {
  const parameters = Object.values(doc.paths).flatMap((ops) =>
    Object.values(ops).flatMap((op) => (op.parameters ?? []).map((p) => ({ ...p, fn: op['x-function'] as RouteFunctionName }))),
  );
  // Where each parameter's server schema lives in OPERATIONS (a `query` schema, once a route has one).
  const PART: Record<string, string> = { path: 'path', header: 'headers', query: 'query' };
  const serverSchemaOf = (fn: RouteFunctionName, where: string): z.ZodMiniType | undefined =>
    (OPERATIONS[fn] as unknown as Record<string, z.ZodMiniType | undefined>)[PART[where] ?? where];

  it('covers every query parameter of list-payments (the only route with a query)', () => {
    const documented = parameters.filter((p) => p.fn === 'list-payments' && p.in === 'query').map((p) => p.name);
    const server = Object.keys((OPERATIONS['list-payments'].query as unknown as { def: { shape: Record<string, unknown> } }).def.shape);
    expect(documented.sort()).toEqual(server.sort());
    expect(documented).toEqual(expect.arrayContaining(['from', 'to', 'provider', 'status', 'limit', 'cursor']));
  });

  it.each(parameters.map((p) => ({ ...p, title: `${p.in} ${p.name} of ${p.fn}` })))('$title', ({ fn, name, in: where, schema }) => {
    const server = serverSchemaOf(fn, where);
    expect(server, 'a documented parameter has a server schema').toBeDefined();
    const key = where === 'header' ? name.toLowerCase() : name;
    const text = schema.type === undefined || schema.type === 'string';
    const validate = (text ? ajv : parameterAjv).compile(schema);
    const pattern = schema.pattern ? new RegExp(schema.pattern, 'u') : undefined;
    const value = fc.oneof(
      text ? valueOf(schema) : valueOf(schema).map((typed) => String(typed)),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ maxLength: 300 }),
      ...(pattern ? [fc.stringMatching(pattern).map((s) => `${s} `), fc.stringMatching(pattern).map((s) => `${s}\u00e9`)] : []),
    );
    fc.assert(
      fc.property(value, (sent) => validate(sent) === (server as z.ZodMiniType).safeParse({ [key]: sent }).success),
      { numRuns: 1_000, seed: SEED },
    );
  });
});

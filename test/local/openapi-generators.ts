// fast-check arbitraries read from JSON Schema (the OpenAPI document's), so that any route's body can be
// generated without a hand-written fixture: valid values, and values one mutation away from valid.
import fc from 'fast-check';
import { checkDigit } from '#shared/domain/rut.ts';

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  dependentRequired?: Record<string, string[]>;
  items?: Schema;
  maxItems?: number;
  minItems?: number;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  examples?: unknown[];
  anyOf?: Schema[];
}

interface Operation {
  'x-function': string;
  parameters?: { name: string; in: string; schema: Schema }[];
}
export interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema | undefined> };
}
export const documentOf = (value: unknown): Document => value as Document;

export const RUT_FORMAT = 'cl-rut';

/** A valid RUT in any of its three accepted forms. */
const validRut = fc.tuple(fc.integer({ min: 1_000_000, max: 99_999_999 }), fc.constantFrom('dotted', 'dashed', 'plain'), fc.boolean()).map(
  ([n, form, lower]) => {
    const body = String(n);
    const digit = lower ? checkDigit(body).toLowerCase() : checkDigit(body);
    if (form === 'plain') return `${body}${digit}`;
    if (form === 'dashed') return `${body}-${digit}`;
    return `${body.slice(0, -6)}.${body.slice(-6, -3)}.${body.slice(-3)}-${digit}`;
  },
);

/** The pattern without its lookaheads, which fast-check cannot generate from; results are filtered by the whole. */
const withoutLookaheads = (pattern: string): string => {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    if (pattern[i] === '\\') {
      out += pattern.slice(i, i + 2);
      i += 1;
    } else if (pattern.startsWith('(?=', i)) {
      let depth = 0;
      for (; i < pattern.length; i += 1) {
        if (pattern[i] === '\\') i += 1;
        else if (pattern[i] === '(') depth += 1;
        else if (pattern[i] === ')' && --depth === 0) break;
      }
    } else out += pattern[i];
  }
  return out;
};

const stringOf = (schema: Schema): fc.Arbitrary<string> => {
  if (schema.format === RUT_FORMAT) return validRut.map((rut) => rut);
  const fits = (s: string) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity);
  if (schema.pattern) {
    const whole = new RegExp(schema.pattern, 'u');
    const generated = fc.stringMatching(new RegExp(withoutLookaheads(schema.pattern), 'u')).filter((s) => whole.test(s) && fits(s));
    const examples = (schema.examples ?? []).filter((e): e is string => typeof e === 'string');
    return examples.length > 0 ? fc.oneof(generated, fc.constantFrom(...examples)) : generated;
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 64, 64) });
};

/** Values the schema accepts (as far as JSON Schema says; the agreement test checks the server agrees). */
export const valueOf = (schema: Schema): fc.Arbitrary<unknown> => {
  // A union (ETpay's notification: an object, or an array of such objects): a value of any of its members.
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(valueOf));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'object': {
      const props = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, sub]) => [key, valueOf(sub)]));
      const record = fc.record(props, { requiredKeys: schema.required ?? [] });
      const dependent = Object.entries(schema.dependentRequired ?? {});
      return record.map((value: Record<string, unknown>) => {
        for (const [key, needs] of dependent) if (key in value && needs.some((need) => !(need in value))) delete value[key];
        return value;
      });
    }
    case 'array':
      return fc.array(valueOf(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: schema.maxItems ?? 5 });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringOf(schema);
    default:
      return fc.jsonValue();
  }
};

// Characters that break a rule somewhere: controls, bidi and line separators, spaces a trim removes or not,
// a lone surrogate, separators and digits the RUT and phone rules care about.
const TRICKY = ['', ' ', '\t', '\n', '\u00a0', '\u0085', '\u200e', '\u202e', '\u2028', '\ufeff', '\ud800', 'é', '😀', '.', '-', '+', '(', '@', 'K', '0', '5', '9'];

type Path = (string | number)[];
const pathsOf = (value: unknown, path: Path = []): Path[] => {
  if (Array.isArray(value)) return [path, ...value.flatMap((item, i) => pathsOf(item, [...path, i]))];
  if (value !== null && typeof value === 'object') return [path, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...path, key]))];
  return [path];
};

const mutateString = (text: string, pick: number, char: string): string[] => {
  const at = text.length === 0 ? 0 : pick % (text.length + 1);
  return [
    `${text.slice(0, at)}${char}${text.slice(at)}`, // insert
    `${text.slice(0, at)}${char}${text.slice(at + 1)}`, // replace one
    text.slice(0, -1), // drop the last (a check digit, a length bound)
    `${text}${text}${text}`.repeat(40), // far too long
    `  ${text}  `, // padded
    text.toUpperCase(),
  ];
};

/** One mutation of a valid value: a field removed, added, retyped, pushed past a bound, or its text bent. */
export const mutationsOf = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.tuple(valid, fc.nat(), fc.nat(), fc.constantFrom(...TRICKY), fc.jsonValue({ maxDepth: 1 })).map(([value, which, pick, char, other]) => {
    const root = structuredClone(value) as Record<string, unknown>;
    const paths = pathsOf(root);
    const path = paths[which % paths.length] ?? [];
    const parentPath = path.slice(0, -1);
    const key = path.at(-1);
    let parent: unknown = root;
    for (const step of parentPath) parent = (parent as Record<string | number, unknown>)[step];
    const target = key === undefined ? root : (parent as Record<string | number, unknown>)[key];
    const set = (next: unknown) => {
      if (key === undefined) return next;
      (parent as Record<string | number, unknown>)[key] = next;
      return root;
    };
    const replacements: unknown[] = [other, null, '50000', 1.5, 0, -1, 1_000_000_000, true, [], {}];
    if (typeof target === 'string') replacements.push(...mutateString(target, pick, char));
    if (typeof target === 'number') replacements.push(target + 1, target - 1, target + 0.5, String(target));
    if (Array.isArray(target) && target.length > 0) replacements.push([...target, ...target, ...target, ...target, ...target, ...target, ...target, ...target, ...target, ...target, target[0]]);
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
      replacements.push({ ...target, total_ammount: 1 }); // an unknown field (the contract's typo example)
      const keys = Object.keys(target);
      const drop = keys[pick % Math.max(keys.length, 1)];
      if (drop !== undefined) replacements.push(Object.fromEntries(Object.entries(target).filter(([k]) => k !== drop)));
    }
    return set(replacements[pick % replacements.length]);
  });

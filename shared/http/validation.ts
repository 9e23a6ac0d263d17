// zod issues become the contract's `details`: every failing field, dotted path, a message safe to show.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ApiError, type ErrorDetail } from '../errors.ts';

// zod/mini ships without messages; the English locale is small and says what failed, never the value.
z.config(en());

export const toDetails = (issues: readonly z.core.$ZodIssue[], prefix?: string): ErrorDetail[] =>
  issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '');
    // An unknown key is reported once per key, at the key's own path.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: path.join('.') || '(body)', message: issue.message }];
  });

type Part = readonly [schema: z.ZodMiniType | undefined, value: unknown];
type Parsed<P extends Record<string, Part>> = {
  [K in keyof P]: P[K][0] extends z.ZodMiniType ? z.output<P[K][0]> : undefined;
};

/**
 * Validates every part of a request (body, headers, path) and throws one VALIDATION_ERROR listing every
 * failing field of all of them. Paths are prefixed with the part's name, except the body's.
 */
export const parseRequest = <P extends Record<string, Part>>(parts: P): Parsed<P> => {
  const details: ErrorDetail[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, [schema, value]] of Object.entries(parts)) {
    if (!schema) continue;
    const result = schema.safeParse(value);
    if (result.success) out[name] = result.data;
    else details.push(...toDetails(result.error.issues, name === 'body' ? undefined : name));
  }
  if (details.length > 0) throw new ApiError('VALIDATION_ERROR', { details });
  return out as Parsed<P>;
};

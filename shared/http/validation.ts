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

/** A request part's validation: the body's issues sit at their own path, the others under `headers.`/`path.`/`query.`. */
export type CheckedPart = readonly [result: z.core.util.SafeParseResult<unknown> | undefined, part: 'body' | 'headers' | 'path' | 'query'];

/** One VALIDATION_ERROR listing every failing field of every part of the request, not just the first. */
export const invalidRequest = (...parts: readonly CheckedPart[]): ApiError =>
  new ApiError('VALIDATION_ERROR', {
    details: parts.flatMap(([result, part]) =>
      result === undefined || result.success ? [] : toDetails(result.error.issues, part === 'body' ? undefined : part),
    ),
  });

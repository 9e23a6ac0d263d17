// The one mapping from whatever was thrown to a contract error.
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { describe, expect, it } from 'vitest';
import { ApiError } from '#shared/errors.ts';
import { toApiError } from '#shared/http/error-mapping.ts';

/** What middy's JSON parser really throws for a body that does not parse. */
const parserError = async (body: string): Promise<unknown> => {
  const parser = httpJsonBodyParser();
  try {
    await parser.before?.({ event: { headers: { 'content-type': 'application/json' }, body }, context: {}, response: null, error: null, internal: {} } as never);
  } catch (error) {
    return error;
  }
  throw new Error('the parser accepted the body');
};

describe('toApiError', () => {
  it('middy\'s parser error (its own 422) → 400 INVALID_JSON', async () => {
    const error = toApiError(await parserError('{"total_amount": 5'));
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'INVALID_JSON' });
  });

  it('an ApiError passes through unchanged', () => {
    const original = new ApiError('NOT_FOUND');
    expect(toApiError(original)).toBe(original);
  });

  const unknowns: { name: string; thrown: unknown }[] = [
    { name: 'an Error', thrown: new TypeError('secret st_test_123 in a message') },
    { name: 'a string', thrown: 'boom' },
    { name: 'undefined', thrown: undefined },
  ];
  it.each(unknowns)('$name → 500 INTERNAL_ERROR, its message never shown', ({ thrown }) => {
    const error = toApiError(thrown);
    expect({ status: error.status, code: error.code }).toEqual({ status: 500, code: 'INTERNAL_ERROR' });
    expect(error.message).toBe('Unexpected error.');
  });
});

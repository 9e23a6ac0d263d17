// Whatever a route or a middleware threw, as a contract error: the one mapping the error handler
// (contractEdge) applies. middy's JSON parser answers 415/422 of its own; the contract says INVALID_JSON.
import { ApiError, isApiError } from '../errors.ts';

const PARSER_PACKAGE = '@middy/http-json-body-parser';

/** Unknown errors never show their message. */
export const toApiError = (error: unknown): ApiError => {
  if (isApiError(error)) return error;
  const cause = (error as { cause?: { package?: string } } | undefined)?.cause;
  if (cause?.package === PARSER_PACKAGE) return new ApiError('INVALID_JSON', { reason: 'JSON.parse failed' });
  return new ApiError('INTERNAL_ERROR', { cause: error, reason: error instanceof Error ? error.name : typeof error });
};

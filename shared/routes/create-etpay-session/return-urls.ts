// Where ETpay sends the payer back. Compared as parsed origins against the stage's allowlist, never as
// string prefixes, so neither `https://clinic.example.evil.example` nor `javascript:` gets through.
import type { Stage } from '../../config/settings.ts';
import { ApiError, type ErrorDetail } from '../../errors.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const returnUrlProblem = (value: string, allowedOrigins: readonly string[], stage: Stage): string | undefined => {
  if (!URL.canParse(value)) return 'must be an absolute URL';
  const url = new URL(value);
  const localHttp = stage === 'local' && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !localHttp) return 'must be an https URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (!allowedOrigins.includes(url.origin)) return 'origin is not allowed for this stage';
  return undefined;
};

/** Throws VALIDATION_ERROR listing every return URL that breaks the rules. */
export const assertReturnUrls = (
  urls: Record<string, string | undefined>,
  allowedOrigins: readonly string[],
  stage: Stage,
): void => {
  const details: ErrorDetail[] = [];
  for (const [path, value] of Object.entries(urls)) {
    const problem = value === undefined ? undefined : returnUrlProblem(value, allowedOrigins, stage);
    if (problem) details.push({ path, message: problem });
  }
  if (details.length > 0) throw new ApiError('VALIDATION_ERROR', { details });
};

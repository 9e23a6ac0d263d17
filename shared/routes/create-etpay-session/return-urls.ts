// Where ETpay sends the payer back. Compared as parsed origins against the stage's allowlist, never as
// string prefixes, so neither `https://clinic.example.evil.example` nor `javascript:` gets through, and
// forwarded as parsed and re-serialised (URL.href), never as the raw text: what ETpay redirects to is
// exactly what was checked. Control characters (tab, CR, LF: the URL parser silently drops them) and
// backslashes (parsed as `/` in special schemes: `https://clinic.example\@evil.example/`) are refused.
import type { Stage } from '../../config/settings.ts';
import { ApiError, type ErrorDetail } from '../../errors.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const CONTROL_OR_BACKSLASH = /[\p{Cc}\\]/u;

const returnUrlProblem = (value: string, allowedOrigins: readonly string[], stage: Stage): string | undefined => {
  if (CONTROL_OR_BACKSLASH.test(value)) return 'must not contain control characters or backslashes';
  if (!URL.canParse(value)) return 'must be an absolute URL';
  const url = new URL(value);
  const localHttp = stage === 'local' && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !localHttp) return 'must be an https URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (!allowedOrigins.includes(url.origin)) return 'origin is not allowed for this stage';
  return undefined;
};

/**
 * Throws VALIDATION_ERROR listing every return URL that breaks the rules; answers the URLs to forward,
 * each as its URL.href (absent ones stay absent).
 */
export const assertReturnUrls = <K extends string>(
  urls: Record<K, string | undefined>,
  allowedOrigins: readonly string[],
  stage: Stage,
): Record<K, string | undefined> => {
  const details: ErrorDetail[] = [];
  const forwarded = {} as Record<K, string | undefined>;
  for (const [path, value] of Object.entries(urls) as [K, string | undefined][]) {
    const problem = value === undefined ? undefined : returnUrlProblem(value, allowedOrigins, stage);
    if (problem) details.push({ path, message: problem });
    else forwarded[path] = value === undefined ? undefined : new URL(value).href;
  }
  if (details.length > 0) throw new ApiError('VALIDATION_ERROR', { details });
  return forwarded;
};

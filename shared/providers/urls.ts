import * as z from 'zod/mini';

/** `base` + `/path`, whatever the trailing slash of the configured base URL. */
export const endpoint = (base: string, path: string): URL => new URL(path, base.endsWith('/') ? base : `${base}/`);

/** Provider-issued tokens (order hashes, session tokens) that travel in URLs: URL-safe characters only. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
export const PROVIDER_TOKEN = z.string().check(z.regex(TOKEN_PATTERN, 'must be 1-256 URL-safe characters'));

// Provider-issued tokens (SkipPay order hashes, Spot widget tokens, ETpay session tokens) travel in URLs
// and item keys: URL-safe characters only, wherever they come in (a request, a provider's answer, a JWT).
import * as z from 'zod/mini';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
export const providerTokenSchema = z.string().check(z.regex(TOKEN_PATTERN, 'must be 1-256 URL-safe characters'));

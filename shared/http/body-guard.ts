// The body, before anything parses it: JSON routes and raw-body routes (signed webhooks) alike.
import { ApiError } from '../errors.ts';
import { MAX_BODY_BYTES } from '../limits.ts';
import type { Middleware } from './edge.ts';

const JSON_CONTENT_TYPE = /^application\/json\s*(?:;.*)?$/i;

/** Content type (415), base64 bodies, and the 16 KiB limit (413); keeps the exact bytes as `event.rawBody`. */
export const bodyGuard = (): Middleware => ({
  before: (request) => {
    const { event } = request;
    const contentType = event.headers?.['content-type'] ?? '';
    if (!JSON_CONTENT_TYPE.test(contentType)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    if (typeof event.body !== 'string') throw new ApiError('INVALID_JSON', { reason: 'no body' });
    // Base64 inflates by 4/3: reject a hopeless body before decoding it.
    if (event.isBase64Encoded && event.body.length > Math.ceil(MAX_BODY_BYTES / 3) * 4 + 4) {
      throw new ApiError('PAYLOAD_TOO_LARGE');
    }
    const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    if (bytes.byteLength > MAX_BODY_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE');
    event.rawBody = bytes;
    event.body = bytes.toString('utf8');
    event.isBase64Encoded = false;
    // Normalised once checked, so the JSON parser downstream sees one spelling (it is case-sensitive).
    event.headers['content-type'] = 'application/json';
  },
});

/**
 * The contract wants an object: `[]`, `null`, `"x"` and `1` are valid JSON but INVALID_JSON here. A route the
 * catalog marks `arrayBody` (ETpay's notification) also takes an array, which its body schema then bounds.
 */
export const requireJsonObject = (options: { arrays?: boolean } = {}): Middleware => ({
  before: (request) => {
    const { body } = request.event;
    if (typeof body !== 'object' || body === null || (Array.isArray(body) && options.arrays !== true)) {
      throw new ApiError('INVALID_JSON', { reason: 'not a JSON object' });
    }
  },
});

// SkipPay signs each webhook with HMAC-SHA256 over the raw body, sent as `sha256=<hex>` in
// X-Gokeipay-Signature (X-Skippay-Signature on older integrations). Checked on the exact bytes received,
// before anything parses them, in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReceiveSkipPayWebhookHeaders } from './schema.ts';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/** Why the signature does not verify (for the log), or undefined when it does. */
export const skipPaySignatureProblem = (raw: Uint8Array, headers: ReceiveSkipPayWebhookHeaders, secret: string): string | undefined => {
  const header = headers['x-gokeipay-signature'] ?? headers['x-skippay-signature'];
  if (header === undefined) return 'no signature header';
  const hex = SIGNATURE.exec(header.trim())?.[1];
  if (hex === undefined) return 'malformed signature header';
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(hex, 'hex');
  // 32 bytes by construction of the pattern; compared only at equal length, so timingSafeEqual cannot throw.
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'signature mismatch';
};

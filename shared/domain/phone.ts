// Chilean phone numbers: every national number has 9 digits (mobile `9…`, Santiago `2…`, regions by area
// code), so with the country code fixed a number is unambiguous in E.164.
import * as z from 'zod/mini';

export const PHONE_MESSAGE = 'invalid Chilean phone number: expected 9 digits after an optional +56';

// Longer input is not a phone number in any form we accept; the cap keeps the work bounded.
const MAX_INPUT_LENGTH = 32;
const SEPARATORS = /[\s\-()]/g;
const NATIONAL = /^[2-9]\d{8}$/;

/**
 * E.164 (`+56912345678`) from `+56 9 1234 5678`, `+56912345678`, `56912345678`, `912345678`, ….
 * Spaces, `-`, `(` and `)` may appear anywhere after the country code; a `+` must be followed directly
 * by `56`. Bare `56` + 9 digits (11 digits) is read as the country code, which is unambiguous because a
 * national number alone has 9 digits. `undefined` for anything else (8 or 10 digits, leading 0/1, +57…).
 */
export function toE164ChileanPhone(input: string): string | undefined {
  const text = input.trim();
  if (text.length > MAX_INPUT_LENGTH) return undefined;
  const hasPlus = text.startsWith('+');
  if (hasPlus && !text.startsWith('+56')) return undefined;
  const digits = (hasPlus ? text.slice(1) : text).replace(SEPARATORS, '');
  if (!/^\d+$/.test(digits)) return undefined;
  let national: string;
  if (digits.length === 11 && digits.startsWith('56')) national = digits.slice(2);
  else if (digits.length === 9 && !hasPlus) national = digits;
  else return undefined;
  return NATIONAL.test(national) ? `+56${national}` : undefined;
}

/** A log-safe form showing only the last 4 digits, e.g. `+56*****5678`; `***` if not a valid number. */
export function maskPhone(phone: string): string {
  const e164 = toE164ChileanPhone(phone);
  return e164 ? `+56*****${e164.slice(-4)}` : '***';
}

/** Any accepted form in, E.164 out. Issue messages never contain the input. */
export const chileanPhoneSchema = z.pipe(
  z.string({ error: 'phone number must be a string' }),
  z.transform((value: string, ctx) => {
    const e164 = toE164ChileanPhone(value);
    if (e164 !== undefined) return e164;
    ctx.issues.push({ code: 'custom', message: PHONE_MESSAGE, input: value });
    return z.NEVER;
  }),
);

// For the OpenAPI document, what toE164ChileanPhone accepts: at most 32 characters after trimming, then
// `+56` and 9 digits, or 56 and 9 digits, or 9 digits, the national number starting 2-9, with spaces,
// `-`, `(` and `)` anywhere except inside `+56`.
const SEP = '[\\s\\-()]*';
const NATIONAL_DIGITS = `[2-9](?:${SEP}\\d){8}`;
z.globalRegistry.add(chileanPhoneSchema, {
  pattern: `^(?=\\s*\\S(?:[\\s\\S]{0,${MAX_INPUT_LENGTH - 2}}\\S)?\\s*$)(?:\\s*\\+56|${SEP}5${SEP}6)?${SEP}${NATIONAL_DIGITS}${SEP}$`,
});

// Chilean RUT (Rol Único Tributario): parsing, the modulo-11 check digit, and the two wire forms our
// providers want (Skip: `12345678-5`, ETpay: `123456785`).
import * as z from 'zod/mini';

export interface ParsedRut {
  /** 7 or 8 digits, no leading zero. */
  body: string;
  /** `0`-`9` or uppercase `K`. */
  checkDigit: string;
}

export const RUT_FORMAT_MESSAGE = 'invalid RUT format';
export const RUT_CHECK_DIGIT_MESSAGE = 'invalid RUT check digit';

// Exactly the three documented forms; a partially dotted `12.345678-5` or a dotted RUT without a dash is
// not one of them. Real RUTs in use have 7 or 8 body digits, and a leading zero is never written.
const DOTTED = /^([1-9]\d?)\.(\d{3})\.(\d{3})-([0-9Kk])$/;
const PLAIN = /^([1-9]\d{6,7})-?([0-9Kk])$/;

/** The modulo-11 check digit (`0`-`9` or `K`) of a RUT body given as decimal digits. */
export function checkDigit(body: string): string {
  if (!/^\d+$/.test(body)) throw new RangeError('RUT body must be decimal digits');
  let sum = 0;
  // Weights 2..7 from the rightmost digit, repeating.
  for (let i = body.length - 1, weight = 2; i >= 0; i--, weight = weight === 7 ? 2 : weight + 1) {
    sum += (body.charCodeAt(i) - 48) * weight;
  }
  const digit = 11 - (sum % 11);
  return digit === 11 ? '0' : digit === 10 ? 'K' : String(digit);
}

type RutReading = { ok: true; rut: ParsedRut } | { ok: false; reason: 'format' | 'check-digit' };

// One reading shared by the predicates and the schema, so "wrong form" and "wrong check digit" cannot
// be decided two different ways.
function readRut(input: string): RutReading {
  const text = input.trim();
  const dotted = DOTTED.exec(text);
  const plain = dotted ? null : PLAIN.exec(text);
  let body: string;
  let given: string;
  if (dotted) {
    body = `${dotted[1] ?? ''}${dotted[2] ?? ''}${dotted[3] ?? ''}`;
    given = dotted[4] ?? '';
  } else if (plain) {
    body = plain[1] ?? '';
    given = plain[2] ?? '';
  } else {
    return { ok: false, reason: 'format' };
  }
  const expected = checkDigit(body);
  if (given.toUpperCase() !== expected) return { ok: false, reason: 'check-digit' };
  return { ok: true, rut: { body, checkDigit: expected } };
}

/** The RUT's body and (uppercase) check digit, or `undefined` for a wrong form or a wrong check digit. */
export function parseRut(input: string): ParsedRut | undefined {
  const reading = readRut(input);
  return reading.ok ? reading.rut : undefined;
}

function requireRut(input: string): ParsedRut {
  const reading = readRut(input);
  if (!reading.ok) throw new RangeError(reading.reason === 'format' ? RUT_FORMAT_MESSAGE : RUT_CHECK_DIGIT_MESSAGE);
  return reading.rut;
}

/** Skip's form, `12345678-5` (uppercase `K`), from any accepted form. Throws a `RangeError` if invalid. */
export function canonicalRut(input: string): string {
  const { body, checkDigit: digit } = requireRut(input);
  return `${body}-${digit}`;
}

/** ETpay's form, `123456785` (uppercase `K`), from any accepted form. Throws a `RangeError` if invalid. */
export function etpayRut(canonical: string): string {
  const { body, checkDigit: digit } = requireRut(canonical);
  return `${body}${digit}`;
}

/**
 * A log-safe form: the last 3 body digits and the check digit, in a fixed shape that also hides the body's
 * length, e.g. `**.***.678-5`. Anything that is not a valid RUT becomes `**.***.***-*`; never throws.
 */
export function maskRut(rut: string): string {
  const parsed = parseRut(rut);
  if (!parsed) return '**.***.***-*';
  return `**.***.${parsed.body.slice(-3)}-${parsed.checkDigit}`;
}

/** Any accepted form in, Skip's canonical `12345678-5` out. Issue messages never contain the input. */
export const rutSchema = z.pipe(
  z.string({ error: 'RUT must be a string' }),
  z.transform((value: string, ctx) => {
    const reading = readRut(value);
    if (reading.ok) return `${reading.rut.body}-${reading.rut.checkDigit}`;
    ctx.issues.push({
      code: 'custom',
      message: reading.reason === 'format' ? RUT_FORMAT_MESSAGE : RUT_CHECK_DIGIT_MESSAGE,
      input: value,
    });
    return z.NEVER;
  }),
);

// For the OpenAPI document: the three forms as a pattern (around optional whitespace, which is trimmed); the
// modulo-11 check digit is no pattern, so it is the `cl-rut` format, which the description defines.
z.globalRegistry.add(rutSchema, {
  pattern: '^\\s*(?:[1-9]\\d?\\.\\d{3}\\.\\d{3}-|[1-9]\\d{6,7}-?)[0-9Kk]\\s*$',
  format: 'cl-rut',
});

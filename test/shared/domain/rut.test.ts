import fc from 'fast-check';
import rut from 'rut.js';
import { describe, expect, it } from 'vitest';
import {
  RUT_CHECK_DIGIT_MESSAGE,
  RUT_FORMAT_MESSAGE,
  canonicalRut,
  checkDigit,
  etpayRut,
  maskRut,
  parseRut,
  rutSchema,
} from '#shared/domain/rut.ts';

const CHECK_DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'K'] as const;

// Bodies as they occur: 7 or 8 digits, no leading zero.
const body = fc.integer({ min: 1_000_000, max: 99_999_999 }).map(String);

function dotted(b: string): string {
  return `${b.slice(0, -6)}.${b.slice(-6, -3)}.${b.slice(-3)}`;
}

/** The three accepted forms of one RUT, with a lowercase `k` variant and surrounding whitespace. */
const anyForm = fc
  .record({
    body,
    form: fc.constantFrom('dotted', 'dash', 'bare'),
    lowerK: fc.boolean(),
    pad: fc.constantFrom('', ' ', '\t', '  \n'),
  })
  .map(({ body: b, form, lowerK, pad }) => {
    const digit = checkDigit(b);
    const shown = lowerK ? digit.toLowerCase() : digit;
    const text = form === 'dotted' ? `${dotted(b)}-${shown}` : form === 'dash' ? `${b}-${shown}` : `${b}${shown}`;
    return { text: `${pad}${text}${pad}`, canonical: `${b}-${digit}`, etpay: `${b}${digit}` };
  });

describe('checkDigit', () => {
  it('matches known RUTs', () => {
    expect(checkDigit('12345678')).toBe('5');
    expect(checkDigit('11111111')).toBe('1');
    expect(checkDigit('76086428')).toBe('5');
    expect(checkDigit('10000013')).toBe('K');
    expect(checkDigit('1000005')).toBe('K');
    expect(checkDigit('1000006')).toBe('8');
  });

  it('agrees with rut.js (an independent implementation) for any body', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }).map(String), (b) => {
        expect(checkDigit(b)).toBe(rut.getCheckDigit(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a body that is not decimal digits', () => {
    for (const bad of ['', '12a', '12.345', ' 1', '-1']) expect(() => checkDigit(bad)).toThrow(RangeError);
  });
});

describe('parseRut and the canonical forms', () => {
  it('gives every accepted form of a RUT the same canonical and ETpay form', () => {
    fc.assert(
      fc.property(anyForm, ({ text, canonical, etpay }) => {
        expect(canonicalRut(text)).toBe(canonical);
        expect(etpayRut(text)).toBe(etpay);
        expect(etpayRut(canonicalRut(text))).toBe(etpay);
        expect(rutSchema.safeParse(text)).toEqual({ success: true, data: canonical });
        expect(parseRut(text)).toEqual({ body: canonical.slice(0, -2), checkDigit: canonical.slice(-1) });
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly the forms in the contract', () => {
    expect(canonicalRut('12.345.678-5')).toBe('12345678-5');
    expect(canonicalRut('12345678-5')).toBe('12345678-5');
    expect(canonicalRut('123456785')).toBe('12345678-5');
    expect(canonicalRut('1.000.005-k')).toBe('1000005-K');
    expect(canonicalRut('1000005k')).toBe('1000005-K');
    expect(etpayRut('12345678-5')).toBe('123456785');
  });

  it('rejects every wrong check digit, as a check-digit error', () => {
    fc.assert(
      fc.property(anyForm, fc.constantFrom(...CHECK_DIGITS), ({ text, canonical }, digit) => {
        fc.pre(digit !== canonical.slice(-1));
        const wrong = text.trim().slice(0, -1) + digit;
        expect(parseRut(wrong)).toBeUndefined();
        expect(() => canonicalRut(wrong)).toThrow(RUT_CHECK_DIGIT_MESSAGE);
        expect(rutSchema.safeParse(wrong).error?.issues).toEqual([
          { code: 'custom', path: [], message: RUT_CHECK_DIGIT_MESSAGE },
        ]);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    { name: 'empty', text: '' },
    { name: 'blank', text: '   ' },
    { name: 'a body of 6 digits', text: '1234567' },
    { name: 'a body of 6 digits, dashed', text: '123456-0' },
    { name: 'a body of 9 digits', text: '123456789-2' },
    { name: 'a leading zero', text: '012345678-5' },
    { name: 'a leading zero, dotted', text: '01.234.567-8' },
    { name: 'partially dotted', text: '12.345678-5' },
    { name: 'partially dotted, the other way', text: '12345.678-5' },
    { name: 'a space for the dash', text: '12.345.678 5' },
    { name: 'dotted without dash', text: '12.345.6785' },
    { name: 'spaces for dots', text: '12 345 678-5' },
    { name: 'two dashes', text: '12345678--5' },
    { name: 'two check digits', text: '12345678-55' },
    { name: 'a check digit that is no digit nor K', text: '12345678-X' },
    { name: 'commas for dots', text: '12,345,678-5' },
    { name: 'full-width digits', text: '１２３４５６７８-５' },
    { name: 'a K in the body', text: 'K2345678-5' },
  ])('rejects $text ($name) as a format error', ({ text }) => {
    expect(parseRut(text)).toBeUndefined();
    expect(() => canonicalRut(text)).toThrow(RUT_FORMAT_MESSAGE);
    expect(() => etpayRut(text)).toThrow(RangeError);
    expect(rutSchema.safeParse(text).error?.issues).toEqual([
      { code: 'custom', path: [], message: RUT_FORMAT_MESSAGE },
    ]);
  });

  it('agrees with rut.js validate on strings in the accepted forms with any check digit', () => {
    fc.assert(
      fc.property(body, fc.constantFrom(...CHECK_DIGITS), fc.boolean(), (b, digit, dots) => {
        const text = dots ? `${dotted(b)}-${digit}` : `${b}-${digit}`;
        expect(parseRut(text) !== undefined).toBe(rut.validate(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rutSchema on arbitrary input', () => {
  const messages = new Set([RUT_FORMAT_MESSAGE, RUT_CHECK_DIGIT_MESSAGE, 'RUT must be a string']);

  const anyInput = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom(...'0123456789.-kK ') }),
    fc.anything(),
  );

  it('never throws, and its messages never echo the input', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = rutSchema.safeParse(input);
        if (result.success) {
          expect(result.data).toMatch(/^[1-9]\d{6,7}-[0-9K]$/);
        } else {
          for (const issue of result.error.issues) {
            expect(messages).toContain(issue.message);
            expect(issue).not.toHaveProperty('input');
          }
        }
        expect(() => maskRut(typeof input === 'string' ? input : '')).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('maskRut', () => {
  it('shows only the last 3 body digits and the check digit, in one fixed shape', () => {
    expect(maskRut('12.345.678-5')).toBe('**.***.678-5');
    expect(maskRut('1.000.005-k')).toBe('**.***.005-K');
    expect(maskRut('not a rut')).toBe('**.***.***-*');
    expect(maskRut('12345678-4')).toBe('**.***.***-*');
    fc.assert(
      fc.property(anyForm, ({ text, canonical }) => {
        expect(maskRut(text)).toBe(`**.***.${canonical.slice(-5, -2)}-${canonical.slice(-1)}`);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PHONE_MESSAGE, chileanPhoneSchema, maskPhone, toE164ChileanPhone } from '#shared/domain/phone.ts';

const national = fc
  .tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 0, max: 99_999_999 }))
  .map(([first, rest]) => `${first}${String(rest).padStart(8, '0')}`);

const anyForm = fc
  .record({
    national,
    prefix: fc.constantFrom('', '+56', '+56 ', '56', '56 ', '+56-', '+56 (', '56('),
    grouped: fc.boolean(),
    separator: fc.constantFrom(' ', '-', '  '),
    pad: fc.constantFrom('', ' ', '\t'),
  })
  .map(({ national: n, prefix, grouped, separator, pad }) => {
    const open = prefix.endsWith('(');
    const head = open ? `${n.slice(0, 1)})` : n.slice(0, 1);
    const body = grouped ? `${head}${separator}${n.slice(1, 5)}${separator}${n.slice(5)}` : `${head}${n.slice(1)}`;
    return { text: `${pad}${prefix}${body}${pad}`, e164: `+56${n}` };
  });

describe('toE164ChileanPhone', () => {
  it.each([
    { input: '+56912345678', e164: '+56912345678' },
    { input: '+56 9 1234 5678', e164: '+56912345678' },
    { input: '56912345678', e164: '+56912345678' },
    { input: '912345678', e164: '+56912345678' },
    { input: '9 1234 5678', e164: '+56912345678' },
    { input: '+56 (9) 1234-5678', e164: '+56912345678' },
    { input: '+56 2 2345 6789', e164: '+56223456789' },
    { input: '562 2345 6789', e164: '+56223456789' },
    { input: '561234567', e164: '+56561234567' }, // 9 digits is a national number even when it starts with 56
  ])('reads $input as $e164', ({ input, e164 }) => {
    expect(toE164ChileanPhone(input)).toBe(e164);
  });

  it('reads every accepted form of a number as the same E.164 number', () => {
    fc.assert(
      fc.property(anyForm, ({ text, e164 }) => {
        expect(toE164ChileanPhone(text)).toBe(e164);
        expect(chileanPhoneSchema.safeParse(text)).toEqual({ success: true, data: e164 });
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    { name: 'empty', input: '' },
    { name: '8 digits', input: '12345678' },
    { name: '8 digits starting with 9', input: '91234567' },
    { name: '10 digits', input: '9123456789' },
    { name: '+56 and 8 digits, spaced', input: '+56 9 1234 567' },
    { name: '+56 and 10 digits, spaced', input: '+56 9 1234 56789' },
    { name: 'starts with 0', input: '012345678' },
    { name: 'starts with 1', input: '112345678' },
    { name: '+56 then 0', input: '+56012345678' },
    { name: '+56 then 1', input: '+56112345678' },
    { name: 'another country', input: '+57912345678' },
    { name: 'another country, spaced', input: '+1 912 345 678' },
    { name: '+56 and 8 digits', input: '+5691234567' },
    { name: 'a space inside the prefix', input: '+ 56 912345678' },
    { name: 'two plus signs', input: '++56912345678' },
    { name: 'the 00 international prefix', input: '0056912345678' },
    { name: '56 and 8 digits', input: '5691234567' },
    { name: '56 and 10 digits', input: '569123456789' },
    { name: 'dots as separators', input: '9.1234.5678' },
    { name: 'a letter among the digits', input: '9123456a8' },
    { name: 'an extension', input: '+56 9 1234 5678 ext 1' },
    { name: 'full-width digits', input: '９１２３４５６７８' },
  ])('rejects $input ($name)', ({ input }) => {
    expect(toE164ChileanPhone(input)).toBeUndefined();
    expect(chileanPhoneSchema.safeParse(input).error?.issues).toEqual([
      { code: 'custom', path: [], message: PHONE_MESSAGE },
    ]);
  });

  const anyInput = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom(...'+0123456789 -()') }),
    fc.anything(),
  );

  it('never throws on arbitrary input and only ever answers in E.164', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = chileanPhoneSchema.safeParse(input);
        if (result.success) expect(result.data).toMatch(/^\+56[2-9]\d{8}$/);
        else for (const issue of result.error.issues) expect(issue).not.toHaveProperty('input');
        if (typeof input === 'string') expect(maskPhone(input)).toMatch(/^(\+56\*{5}\d{4}|\*{3})$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('maskPhone', () => {
  it('shows only the last 4 digits', () => {
    expect(maskPhone('+56 9 1234 5678')).toBe('+56*****5678');
    expect(maskPhone('912345678')).toBe('+56*****5678');
    expect(maskPhone('12345')).toBe('***');
  });
});

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
    ['+56912345678', '+56912345678'],
    ['+56 9 1234 5678', '+56912345678'],
    ['56912345678', '+56912345678'],
    ['912345678', '+56912345678'],
    ['9 1234 5678', '+56912345678'],
    ['+56 (9) 1234-5678', '+56912345678'],
    ['+56 2 2345 6789', '+56223456789'],
    ['562 2345 6789', '+56223456789'],
    ['561234567', '+56561234567'], // 9 digits is a national number even when it starts with 56
  ])('reads %j as %j', (input, e164) => {
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
    '',
    '12345678', // 8 digits
    '91234567',
    '9123456789', // 10 digits
    '+56 9 1234 567',
    '+56 9 1234 56789',
    '012345678', // starts with 0
    '112345678', // starts with 1
    '+56012345678',
    '+56112345678',
    '+57912345678', // another country
    '+1 912 345 678',
    '+5691234567',
    '+ 56 912345678',
    '++56912345678',
    '0056912345678',
    '5691234567',
    '569123456789',
    '9.1234.5678',
    '9123456a8',
    '+56 9 1234 5678 ext 1',
    '９１２３４５６７８',
  ])('rejects %j', (input) => {
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

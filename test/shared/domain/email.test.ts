import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailSchema, maskEmail } from '#shared/domain/email.ts';

// 64 + 1 + domainLength characters, with DNS-sized labels.
function addressOfLength(length: number): string {
  const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(length - 64 - 1 - 63 - 1 - 63 - 1 - 3)}.cl`;
  return `${'a'.repeat(64)}@${domain}`;
}

describe('emailSchema', () => {
  it.each(['ana@example.cl', 'ana.perez+pagos@clinica.example.cl', "o'higgins@example.cl", 'A_B-C@Example.COM'])(
    'accepts %j unchanged',
    (email) => {
      expect(emailSchema.safeParse(email)).toEqual({ success: true, data: email });
    },
  );

  it('trims surrounding whitespace', () => {
    expect(emailSchema.safeParse('  ana@example.cl\n')).toEqual({ success: true, data: 'ana@example.cl' });
  });

  it('accepts 254 characters and rejects 255', () => {
    const longest = addressOfLength(254);
    expect(longest).toHaveLength(254);
    expect(emailSchema.safeParse(longest)).toEqual({ success: true, data: longest });
    expect(emailSchema.safeParse(` ${longest} `)).toEqual({ success: true, data: longest });
    const tooLong = addressOfLength(255);
    expect(tooLong).toHaveLength(255);
    expect(emailSchema.safeParse(tooLong).error?.issues.map((issue) => issue.message)).toEqual([
      'email must be at most 254 characters',
    ]);
  });

  it.each([
    { name: 'empty', email: '' },
    { name: 'blank', email: ' ' },
    { name: 'no @', email: 'ana' },
    { name: 'no domain', email: 'ana@' },
    { name: 'no local part', email: '@example.cl' },
    { name: 'a domain without a dot', email: 'ana@example' },
    { name: 'two @', email: 'ana@@example.cl' },
    { name: 'a space in the local part', email: 'ana @example.cl' },
    { name: 'a space in the domain', email: 'ana@exa mple.cl' },
    { name: 'a leading dot', email: '.ana@example.cl' },
    { name: 'two dots in a row', email: 'ana..perez@example.cl' },
    { name: 'a NUL character', email: 'ana@example.cl\u0000' },
  ])('rejects $email ($name)', ({ email }) => {
    const result = emailSchema.safeParse(email);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['invalid email address']);
  });

  it('rejects non-strings', () => {
    expect(emailSchema.safeParse(42).error?.issues.map((issue) => issue.message)).toEqual(['email must be a string']);
  });

  it('never throws on arbitrary input and never echoes it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.emailAddress(), fc.anything()), (input) => {
        const result = emailSchema.safeParse(input);
        if (result.success) expect(result.data.length).toBeLessThanOrEqual(254);
        else for (const issue of result.error.issues) expect(issue).not.toHaveProperty('input');
        if (typeof input === 'string') expect(() => maskEmail(input)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('maskEmail', () => {
  it('keeps the first character of the local part and the domain', () => {
    expect(maskEmail('ana@example.cl')).toBe('a***@example.cl');
    expect(maskEmail('a@example.cl')).toBe('a***@example.cl');
    expect(maskEmail(' ñandú@example.cl ')).toBe('ñ***@example.cl');
    expect(maskEmail('😀x@example.cl')).toBe('😀***@example.cl');
    for (const invalid of ['', 'ana', '@example.cl', 'ana@']) expect(maskEmail(invalid)).toBe('***');
  });

  it('never reveals more than one character of the local part', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const masked = maskEmail(email);
        const at = email.lastIndexOf('@');
        expect(masked).toBe(`${email.slice(0, 1)}***@${email.slice(at + 1)}`);
      }),
    );
  });
});

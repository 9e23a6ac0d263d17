import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { personNameSchema, safeTextSchema } from '#shared/domain/names.ts';

const LENGTH = 'must be between 1 and 100 characters';
const CONTROL = 'must not contain control characters';

function messages(input: unknown): string[] | undefined {
  return personNameSchema.safeParse(input).error?.issues.map((issue) => issue.message);
}

describe('personNameSchema', () => {
  const names = ['A', 'Ana', 'Pérez', 'Núñez', 'María José', "O'Higgins", 'Ñuñoa-Smith', '李小龙', 'Ana 😀'];
  names.push('👩‍⚕️ Dra. Soto'); // an emoji ZWJ sequence (U+200D is Cf, and allowed)
  it.each(names)('accepts %j unchanged', (name) => {
    expect(personNameSchema.safeParse(name)).toEqual({ success: true, data: name });
  });

  it('trims, and normalises to NFC', () => {
    expect(personNameSchema.safeParse('  Ana \n')).toEqual({ success: true, data: 'Ana' });
    expect(personNameSchema.safeParse('Pe\u0301rez')).toEqual({ success: true, data: 'Pérez' });
  });

  it('counts code points at the edges 0, 1, 100 and 101', () => {
    expect(messages('')).toEqual([LENGTH]);
    expect(personNameSchema.safeParse('a').success).toBe(true);
    expect(personNameSchema.safeParse('a'.repeat(100)).success).toBe(true);
    expect(messages('a'.repeat(101))).toEqual([LENGTH]);
    // 100 astral characters are 200 UTF-16 units but 100 characters.
    expect(personNameSchema.safeParse('😀'.repeat(100)).success).toBe(true);
    expect(messages('😀'.repeat(101))).toEqual([LENGTH]);
    expect(personNameSchema.safeParse('ñ'.repeat(100)).success).toBe(true);
    // Surrounding whitespace does not count.
    expect(personNameSchema.safeParse(` ${'a'.repeat(100)} `).success).toBe(true);
  });

  it.each([' ', '   ', '\t\n', '\u00a0', '\u3000'])('rejects the whitespace-only %j', (name) => {
    expect(messages(name)).toEqual([LENGTH]);
  });

  const controls = ['\u0000', '\t', '\n', '\r', '\u007f', '\u0085', '\u009b', '\u202e', '\u2066', '\u200f', '\u2028'];
  it.each(controls)('rejects the control character %j inside a name', (control) => {
    expect(messages(`A${control}na`)).toEqual([CONTROL]);
  });

  it('rejects a lone surrogate', () => {
    expect(messages('A\ud800na')).toEqual(['must be valid Unicode text']);
  });

  it('reports every broken rule', () => {
    expect(messages(`\u0000${'a'.repeat(100)}`)).toEqual([CONTROL, LENGTH]);
  });

  it('rejects non-strings', () => {
    expect(messages(7)).toEqual(['must be a string']);
    expect(messages(undefined)).toEqual(['must be a string']);
  });

  const anyInput = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc.string({ unit: 'grapheme', maxLength: 110 }),
    fc.anything(),
  );

  it('never throws on arbitrary input, and what it accepts is trimmed, clean and short enough', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = personNameSchema.safeParse(input);
        if (result.success) {
          const name = result.data;
          expect(name).toBe(name.trim());
          expect([...name].length).toBeGreaterThanOrEqual(1);
          expect([...name].length).toBeLessThanOrEqual(100);
          expect(name).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
          expect(name.isWellFormed()).toBe(true);
        } else {
          for (const issue of result.error.issues) expect(issue).not.toHaveProperty('input');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('safeTextSchema', () => {
  it('uses its own bounds', () => {
    const label = safeTextSchema(2, 5);
    expect(label.safeParse(' ab ')).toEqual({ success: true, data: 'ab' });
    expect(label.safeParse('a').error?.issues.map((issue) => issue.message)).toEqual([
      'must be between 2 and 5 characters',
    ]);
    expect(label.safeParse('abcdef').success).toBe(false);
    expect(safeTextSchema(3, 3).safeParse('ab').error?.issues.map((issue) => issue.message)).toEqual([
      'must be exactly 3 characters',
    ]);
  });
});

describe('personNameSchema: a name needs a visible letter', () => {
  const LETTER = 'must contain a visible letter';
  it.each([
    { name: 'zero-width space', text: '\u200B' },
    { name: 'word joiner', text: '\u2060\u2060' },
    { name: 'Hangul filler', text: '\u3164' },
    { name: 'halfwidth Hangul filler', text: '\uFFA0' },
    { name: 'soft hyphen', text: '\u00AD' },
    { name: 'tag characters', text: '\u{E0041}\u{E0042}' },
    { name: 'private use', text: '\uE000\u{F0000}' },
    { name: 'a mix of them, spaced', text: '\u200B \u3164 \u00AD' },
    { name: 'a combining mark alone', text: '\u0301' },
    { name: 'punctuation only', text: '.-' },
  ])('rejects $name: it has no visible letter', ({ text }) => {
    expect(messages(text)).toEqual([LETTER]);
  });

  it.each(['Ana\u200B', '\u00ADAna', 'José', '李', 'Ó', '😀'])('accepts %j: it has something visible', (name) => {
    expect(personNameSchema.safeParse(name).success).toBe(true);
  });
});

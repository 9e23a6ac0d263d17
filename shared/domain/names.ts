// Free text that ends up in a provider's records and on receipts: trimmed, NFC-normalised, measured in
// code points (what a person counts, near enough), and free of characters that can hide or reorder text.
import * as z from 'zod/mini';

// Cc (C0/C1 controls, including tab and newline), the line/paragraph separators, and the Cf bidi
// controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) that can make a log or a receipt display
// something other than what was stored. Other Cf characters are allowed: ZWJ is part of many emoji.
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// The same set for JSON Schema (Cc spelled as ranges, for tools without \p{}), plus lone surrogates
// (not well-formed); JSON Schema patterns are Unicode-aware regular expressions, as ajv runs them.
const FORBIDDEN_CLASS = '\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF';

/**
 * The JSON Schema `pattern` saying what safeTextSchema(min, max) accepts: optional surrounding whitespace
 * (trimmed, as `\s` is exactly what String#trim removes), then min..max code points with no forbidden
 * character, starting and ending with a non-space. It counts code points as sent; the server counts after NFC,
 * which differs only for decomposed text (the description says so).
 */
const safeTextPattern = (min: number, max: number): string => {
  const edge = `[^\\s${FORBIDDEN_CLASS}]`;
  const inner = `[^${FORBIDDEN_CLASS}]`;
  const core = max === 1 ? edge : min <= 1 ? `${edge}(?:${inner}{0,${max - 2}}${edge})?` : `${edge}${inner}{${min - 2},${max - 2}}${edge}`;
  return `^\\s*${core}\\s*$`;
};

/**
 * A string trimmed and NFC-normalised, then `min` to `max` code points long, well-formed UTF-16 and free of
 * control characters. Every failed rule is reported; messages never contain the input.
 */
export function safeTextSchema(min: number, max: number) {
  const lengthMessage =
    min === max ? `must be exactly ${min} characters` : `must be between ${min} and ${max} characters`;
  const schema = z.string({ error: 'must be a string' }).check(
    z.trim(),
    z.normalize('NFC'),
    z.refine((text: string) => text.isWellFormed(), { error: 'must be valid Unicode text' }),
    z.refine((text: string) => !FORBIDDEN.test(text), { error: 'must not contain control characters' }),
    z.refine(
      (text: string) => {
        // The string iterator walks code points, so `Pérez` is 5 and an emoji is 1, not 2.
        const length = [...text].length;
        return length >= min && length <= max;
      },
      { error: lengthMessage },
    ),
  );
  // For the OpenAPI document (local/openapi.ts): the same rule as JSON Schema can say it.
  z.globalRegistry.add(schema, {
    pattern: safeTextPattern(min, max),
    description: `${min === max ? `exactly ${min}` : `${min} to ${max}`} characters (Unicode code points, after trimming and NFC normalisation); no control, line-separator or bidi-control characters.`,
  });
  return schema;
}

// Letters that draw nothing: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) are category Lo.
const BLANK_LETTERS = /[\u115F\u1160\u3164\uFFA0]/gu;
// What draws a readable glyph: a letter, a digit, or a symbol (emoji are So, and a name of emoji is
// accepted, as the length tests have always required). Not: format characters (Cf: U+200B, U+2060,
// U+00AD, tag characters), private use (Co), marks alone, separators, punctuation alone.
const VISIBLE = /[\p{L}\p{N}\p{S}]/u;

/**
 * Whether a person could read the text as a name: at least one character that draws something other
 * than a blank. A name made only of invisible, format, private-use or filler characters is none.
 */
const hasVisibleCharacter = (text: string): boolean => VISIBLE.test(text.replace(BLANK_LETTERS, ''));

/**
 * A first name or surname: 1 to 100 characters after trimming, no control characters, and something
 * visible (an empty name is reported by the length rule alone).
 */
export const personNameSchema = safeTextSchema(1, 100).check(
  z.refine((text: string) => text.length === 0 || hasVisibleCharacter(text), { error: 'must contain a visible letter' }),
);
// For the OpenAPI document: safeTextPattern plus a lookahead for one visible character (VISIBLE, not a filler).
z.globalRegistry.add(personNameSchema, {
  pattern: `^(?=[\\s\\S]*(?![\\u115F\\u1160\\u3164\\uFFA0])[\\p{L}\\p{N}\\p{S}])${safeTextPattern(1, 100).slice(1)}`,
  description:
    '1 to 100 characters (Unicode code points, after trimming and NFC normalisation); no control, line-separator or bidi-control characters; at least one visible letter, digit or symbol.',
});

import * as z from 'zod/mini';

// RFC 5321's limit on a forward path; providers reject longer addresses anyway.
const EMAIL_MAX_LENGTH = 254;

/** A trimmed address of at most 254 characters that passes zod's email check. Case is kept as given. */
export const emailSchema = z.pipe(
  // Trim and measure first, so that the email check sees exactly what we will send on.
  z.string({ error: 'email must be a string' }).check(
    z.trim(),
    z.maxLength(EMAIL_MAX_LENGTH, { error: 'email must be at most 254 characters' }),
  ),
  z.email({ error: 'invalid email address' }),
);

// For the OpenAPI document: zod's own email pattern, around optional whitespace (trimmed), at most 254
// characters without it (the address has no whitespace inside, so the non-space run is the address).
z.globalRegistry.add(emailSchema, {
  pattern: `^\\s*(?=\\S{1,${EMAIL_MAX_LENGTH}}\\s*$)${z.regexes.email.source.slice(1, -1)}\\s*$`,
});

/**
 * A log-safe form: the first character of the local part, `***`, and the domain, e.g. `a***@example.cl`.
 * Anything without a local part and a domain becomes `***`; never throws.
 */
export function maskEmail(email: string): string {
  const text = email.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return '***';
  // By code point, so a non-ASCII first character is not cut in half.
  const [first = ''] = text.slice(0, at);
  return `${first}***@${text.slice(at + 1)}`;
}

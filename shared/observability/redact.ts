// A safety net under every log line: our code never logs personal data or secrets on purpose, and this
// makes an accident (a stray error message, a provider string) unreadable anyway.
const SENSITIVE_KEY = /rut|e-?mail|phone|secret|password|authorization|api_?token|signature|jwt|^token$|widget_token|first_name|last_name|surname/i;
// A person's `name` (Skip's user_data) is lower case; EMF's own `Name` (a metric's name) must survive.
const PERSON_NAME = 'name';

const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g;
// RUT in any accepted form (dotted, dashed or compact) and anything phone-like: long digit runs.
const RUT = /\b\d{1,2}\.\d{3}\.\d{3}-?[\dkK]\b|\b\d{7,8}-?[\dkK]\b/g;
const LONG_DIGITS = /\+?\d[\d ]{7,}\d/g;
const CREDENTIAL = /\b(?:pk|st|ci)_(?:test|live)_[\w-]+|\bBearer\s+\S+/gi;

export const REDACTED = '[redacted]';

// Whether any of the four can match: one scan instead of four for the common string that holds none of
// them (none has a letter that `i` would fold differently, so the union matches exactly when one does).
const ANY_SENSITIVE = new RegExp([CREDENTIAL, EMAIL, RUT, LONG_DIGITS].map((pattern) => pattern.source).join('|'), 'i');

export const scrubText = (text: string): string =>
  !ANY_SENSITIVE.test(text)
    ? text
    : text
        .replace(CREDENTIAL, REDACTED)
        .replace(EMAIL, '[email]')
        .replace(RUT, '[rut]')
        .replace(LONG_DIGITS, '[digits]');

// Log lines reuse a small set of keys: each key's verdict is worked out once (bounded, in case a caller
// logs an object with keys of its own making).
const keyVerdicts = new Map<string, boolean>();
const MAX_KEY_VERDICTS = 512;
const isSensitiveKey = (key: string): boolean => {
  let verdict = keyVerdicts.get(key);
  if (verdict === undefined) {
    verdict = key === PERSON_NAME || SENSITIVE_KEY.test(key);
    if (keyVerdicts.size < MAX_KEY_VERDICTS) keyVerdicts.set(key, verdict);
  }
  return verdict;
};

/** JSON.stringify replacer for the logger: drops sensitive keys, scrubs every string. */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (key !== '' && value !== undefined && value !== null && isSensitiveKey(key)) return REDACTED;
  if (typeof value === 'string') return scrubText(value);
  return value;
};

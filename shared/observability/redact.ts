// A safety net under every log line: our code never logs personal data or secrets on purpose, and this
// makes an accident (a stray error message, a provider string) unreadable anyway. Two layers:
// - by field: values under a sensitive key are dropped whole; values under an identifier key (request id,
//   trace id, order token) are kept verbatim when they look like one;
// - by pattern: one pass of one regex over every other string. Identifiers (UUIDs, X-Ray trace ids, ARNs)
//   are matched first and given back unchanged, and a personal number only counts when it stands alone
//   (not glued to a letter, digit, `_` or `-` of a longer token), so an id's digit runs are never touched.
// Linear time: every alternative either starts with a literal, is bounded ({1,64}), or can start only at
// the beginning of a run (a lookbehind), and the scan resumes after each match. 16 KiB of the worst
// inputs we know take under 5 ms (node test/bench/redact.ts); the old patterns took ~125 ms.
const SENSITIVE_KEY = /rut|e-?mail|phone|secret|password|authorization|api_?token|signature|jwt|^token$|widget_token|first_name|last_name|surname/i;
// A person's `name` (Skip's user_data) is lower case; EMF's own `Name` (a metric's name) must survive.
const PERSON_NAME = 'name';
/** Keys whose values are identifiers on-call searches for: never rewritten when they have an id's shape. */
const IDENTIFIER_KEYS = new Set(['request_id', 'function_request_id', 'xray_trace_id', 'trace_id', 'order_token', 'function_arn']);
const IDENTIFIER_SHAPE = /^[A-Za-z0-9._:/=+-]{1,256}$/;

const REDACTED = '[redacted]';

const HEX = '[0-9a-fA-F]';
// Kept: matched first, so no sensitive alternative can start inside one.
const UUID = `${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}(?![0-9a-fA-F])`;
const TRACE_ID = `\\b1-${HEX}{8}-${HEX}{24}(?![0-9a-fA-F])`;
const TRACE_PARENT = `\\bParent=${HEX}{16}(?![0-9a-fA-F])`;
const ARN = `\\barn:aws[a-z-]{0,16}:[^\\s"'<>]{1,2048}`;
// Redacted. A number is personal only standing alone: not after a word character, `-` or `+`… unless
// URL-encoded (`%2B56912345678`, `rut%3D12345678-5`).
const ALONE_BEFORE = `(?:(?<=%[0-9A-Fa-f]{2})|(?<![\\w+-]))`;
const CREDENTIAL = `\\b(?:pk|st|ci)_(?:test|live)_[\\w-]+|\\bBearer\\s+\\S+`;
// At most 64 characters before the `@` (the RFC's limit for a local part, where `'` is allowed): bounded
// work per position.
const EMAIL = `[^\\s@"<>(),;:\\[\\]\\\\]{1,64}@[^\\s@"'<>(),;:\\[\\]\\\\.]{1,253}(?:\\.[^\\s@"'<>(),;:\\[\\]\\\\.]{1,63})+`;
// RUT in any accepted form (dotted, dashed or compact), then anything phone-like: 8 or more digits,
// spaces allowed between them.
const RUT = `${ALONE_BEFORE}(?:\\d{1,2}\\.\\d{3}\\.\\d{3}|\\d{7,8})-?[\\dkK](?![\\w-])`;
const DIGITS = `${ALONE_BEFORE}\\+?\\d(?: ?\\d){7,}(?![\\w-])`;

const PATTERN = new RegExp(
  `(${UUID}|${TRACE_ID}|${TRACE_PARENT}|${ARN})|(${CREDENTIAL})|(${EMAIL})|(${RUT})|(${DIGITS})`,
  'g',
);
/** What each capture group becomes: an identifier (group 1) stays itself. */
const REPLACEMENTS = [undefined, REDACTED, '[email]', '[rut]', '[digits]'] as const;

// Whether anything can need a replacement: a digit, an `@`, or a credential's prefix. Most strings in a
// log line (routes, codes, messages) have none and skip the scan.
const MAYBE_SENSITIVE = /[\d@]|_(?:test|live)_|Bearer/;

export const scrubText = (text: string): string => {
  if (!MAYBE_SENSITIVE.test(text)) return text;
  return text.replace(PATTERN, (match: string, ...groups: unknown[]) => {
    for (let index = 1; index < REPLACEMENTS.length; index += 1) {
      if (groups[index] !== undefined) return REPLACEMENTS[index]!;
    }
    return match;
  });
};

// Log lines reuse a small set of keys: each key's verdict is worked out once (bounded, in case a caller
// logs an object with keys of its own making).
type Verdict = 'drop' | 'identifier' | 'scrub';
const keyVerdicts = new Map<string, Verdict>();
const MAX_KEY_VERDICTS = 512;
const verdictOf = (key: string): Verdict => {
  let verdict = keyVerdicts.get(key);
  if (verdict === undefined) {
    verdict = key === PERSON_NAME || SENSITIVE_KEY.test(key) ? 'drop' : IDENTIFIER_KEYS.has(key) ? 'identifier' : 'scrub';
    if (keyVerdicts.size < MAX_KEY_VERDICTS) keyVerdicts.set(key, verdict);
  }
  return verdict;
};

/** JSON.stringify replacer for the logger: drops sensitive keys, keeps identifiers, scrubs every other string. */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (value === undefined || value === null) return value;
  const verdict = key === '' ? 'scrub' : verdictOf(key);
  if (verdict === 'drop') return REDACTED;
  if (typeof value !== 'string') return value;
  if (verdict === 'identifier' && IDENTIFIER_SHAPE.test(value)) return value;
  return scrubText(value);
};

// The demo page's Spanish table (local/public/messages.js) covers every reason the API gives for a field:
// bodies one mutation from valid, for every route with a body, through the server's own schemas and
// `toDetails`, and each distinct `details[].message` must have its own Spanish sentence (not the generic
// fallback). A new or reworded rule in shared/ fails here until the page can explain it to a patient.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUTE_FUNCTION_NAMES, type RouteFunctionName } from '#shared/catalog.ts';
import { toDetails } from '#shared/http/validation.ts';
import { assertReturnUrls } from '#shared/routes/create-etpay-session/return-urls.ts';
import { ERROR_STATUS, type ApiError, type ErrorCode } from '#shared/errors.ts';
import { ORDER_STATUSES } from '#shared/state/transitions.ts';
import { buildOpenApiDocument } from '../../local/openapi.ts';
import { OPERATIONS } from '../../local/openapi-operations.ts';
import { documentOf, mutationsOf, valueOf } from './openapi-generators.ts';

interface DemoMessages {
  rules: [RegExp, string][];
  fieldProblem: string;
}
const sandbox: { window: { DEMO_MESSAGES?: DemoMessages } } = { window: {} };
runInNewContext(readFileSync(new URL('../../local/public/messages.js', import.meta.url), 'utf8'), sandbox);
const M = sandbox.window.DEMO_MESSAGES as DemoMessages;

const doc = documentOf(buildOpenApiDocument());
const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_m, _s: string, c: string) => c.toUpperCase());

/** Every distinct detail message the server's schemas give for near-valid bodies (fixed seed). */
const reasonsOf = (name: RouteFunctionName): Set<string> => {
  const body = OPERATIONS[name].body;
  const schema = doc.components.schemas[`${pascal(name)}Request`];
  const reasons = new Set<string>();
  if (!body || !schema) return reasons;
  for (const value of fc.sample(mutationsOf(valueOf(schema)), { numRuns: 1_500, seed: 1414 })) {
    const result = body.safeParse(JSON.parse(JSON.stringify(value) ?? 'null'));
    if (!result.success) for (const detail of toDetails(result.error.issues)) reasons.add(detail.message);
  }
  return reasons;
};

// The return-URL rule runs after the schema (shared/etpay/return-urls.ts): its reasons, from its own cases.
const returnUrlReasons = (): Set<string> => {
  const reasons = new Set<string>();
  for (const url of ['nota-url', 'http://clinic.example/ok', 'https://user:pw@clinic.example/ok', 'https://evil.example/ok']) {
    try {
      assertReturnUrls({ payment_completed_url: url }, ['https://clinic.example'], 'staging');
    } catch (error) {
      for (const detail of (error as ApiError).details ?? []) reasons.add(detail.message);
    }
  }
  return reasons;
};

const spanishOf = (message: string): string | undefined => {
  const rule = M.rules.find(([pattern]) => pattern.test(message));
  return rule ? message.replace(rule[0], rule[1]) : undefined;
};

describe('the demo page explains every field rule in Spanish', () => {
  const reasons = new Set([...ROUTE_FUNCTION_NAMES.flatMap((name) => [...reasonsOf(name)]), ...returnUrlReasons()]);

  it('finds the rules worth explaining (RUT check digit, phone, email, amount, name length)', () => {
    for (const expected of ['invalid RUT check digit', 'invalid RUT format', 'invalid email address', 'amount must be at least 1 CLP', 'must be between 1 and 100 characters']) {
      expect([...reasons]).toContain(expected);
    }
    expect([...reasons].some((reason) => reason.startsWith('invalid Chilean phone number'))).toBe(true);
  });

  it.each([...reasons].sort().map((reason) => ({ reason })))('"$reason"', ({ reason }) => {
    const spanish = spanishOf(reason);
    expect(spanish, `add a rule for "${reason}" to local/public/messages.js`).toBeDefined();
    // A sentence, with the bounds filled in (no `$1` left), and not the English it came from.
    expect(spanish).toMatch(/^[A-ZÁÉÍÓÚÑ].*\.$/);
    expect(spanish).not.toMatch(/\$\d/);
    expect(spanish).not.toBe(reason);
  });
});

describe('the demo page explains every error code in Spanish', () => {
  const errors = (sandbox.window.DEMO_MESSAGES as unknown as { errors: Record<string, string> }).errors;
  it.each((Object.keys(ERROR_STATUS) as ErrorCode[]).map((code) => ({ code })))('$code', ({ code }) => {
    expect(errors[code], `add ${code} to local/public/messages.js errors`).toMatch(/^[A-ZÁÉÍÓÚÑ{].*\.$/);
  });
});

describe('the demo page names every order status of the contract in Spanish (payment events list)', () => {
  const statuses = (sandbox.window.DEMO_MESSAGES as unknown as { orderStatuses: Record<string, string> }).orderStatuses;
  it('has exactly the contract\'s statuses, each with its own word', () => {
    expect(Object.keys(statuses).sort()).toEqual([...ORDER_STATUSES].sort());
    expect(new Set(Object.values(statuses)).size).toBe(ORDER_STATUSES.length);
  });
});

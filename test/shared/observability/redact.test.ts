import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactingReplacer, scrubText } from '#shared/observability/redact.ts';

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** X-Ray: `1-<8 hex epoch seconds>-<24 hex>`, and the header Lambda sets with it. */
const traceId = fc.tuple(hex(8), hex(24)).map(([time, id]) => `1-${time}-${id}`);
const traceHeader = fc.tuple(traceId, hex(16)).map(([root, parent]) => `Root=${root};Parent=${parent};Sampled=1`);
/** API Gateway HTTP API's own request ids (`JkL3eiWcoAMEJ2A=`). */
const apiGatewayId = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 15, maxLength: 15 }).map((id) => `${id}=`);
const arn = fc.tuple(fc.stringMatching(/^\d{12}$/), fc.stringMatching(/^[a-z0-9-]{1,20}$/)).map(([account, name]) => `arn:aws:lambda:us-east-1:${account}:function:${name}`);
/** Where an id sits in a log string. */
const surround = (id: string) => [id, `request ${id} failed`, `"${id}"`, `x-request-id: ${id}.`, `(${id})`, `id=${id}&x=1`];

const logged = (value: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(value, redactingReplacer)) as Record<string, unknown>;

describe('redaction never alters an identifier', () => {
  it.each<{ name: string; ids: fc.Arbitrary<string> }>([
    { name: 'UUID request ids', ids: fc.uuid({ version: [1, 4, 7] }) },
    { name: 'X-Ray trace ids', ids: traceId },
    { name: 'X-Ray trace headers', ids: traceHeader },
    { name: 'API Gateway request ids', ids: apiGatewayId },
    { name: 'ARNs', ids: arn },
  ])('$name: 10,000 random ones, alone, in text and as request_id', ({ ids }) => {
    fc.assert(
      fc.property(ids, (id) => {
        for (const text of surround(id)) expect(scrubText(text)).toBe(text);
        expect(logged({ request_id: id, xray_trace_id: id, message: `for ${id}` })).toEqual({ request_id: id, xray_trace_id: id, message: `for ${id}` });
      }),
      { numRuns: 10_000 },
    );
  });

  it('the all-digit UUID and trace id that the old patterns rewrote', () => {
    for (const id of ['12345678-1234-4234-8234-123456789012', '1-12345678-123456789012345678901234', 'Root=1-12345678-123456789012345678901234;Parent=1234567890123456;Sampled=1']) {
      expect(scrubText(`request ${id}`)).toBe(`request ${id}`);
    }
  });

  it('order tokens and references, digits glued to letters', () => {
    for (const id of ['ord_123456789', 'tok_1234567890', 'CPA-0123456789ABCDEF0123456789ABCDEF', 'OC-700104']) expect(scrubText(id)).toBe(id);
  });
});

describe('redaction scrubs personal data and credentials', () => {
  it.each([
    { name: 'dotted RUT', input: 'rut 12.345.678-5 failed', scrubbed: 'rut [rut] failed' },
    { name: 'dashed RUT', input: 'rut=12345678-5', scrubbed: 'rut=[rut]' },
    { name: 'compact RUT', input: 'rut 123456785', scrubbed: 'rut [rut]' },
    { name: 'RUT with K', input: 'rut 11.111.111-K.', scrubbed: 'rut [rut].' },
    { name: 'email', input: 'lookup failed for ana.perez@example.cl', scrubbed: 'lookup failed for [email]' },
    { name: 'E.164 phone', input: 'tel +56912345678', scrubbed: 'tel [digits]' },
    { name: 'spaced phone', input: 'tel +56 9 1234 5678', scrubbed: 'tel [digits]' },
    { name: 'spaced national phone', input: 'tel 9 1234 5678;', scrubbed: 'tel [digits];' },
    { name: 'URL-encoded phone', input: 'q=%2B56912345678', scrubbed: 'q=%2B[digits]' },
    { name: 'URL-encoded RUT', input: 'rut%3D12345678-5', scrubbed: 'rut%3D[rut]' },
    { name: 'Skip key', input: 'key st_test_abc123 refused', scrubbed: 'key [redacted] refused' },
    { name: 'bearer token', input: 'Authorization: Bearer eyJabc.def', scrubbed: 'Authorization: [redacted]' },
    { name: 'RUT beside a request id', input: '12.345.678-5 in 0f8fad5b-d9cb-469f-a165-70867728950e', scrubbed: '[rut] in 0f8fad5b-d9cb-469f-a165-70867728950e' },
  ])('$name: $input → $scrubbed', ({ input, scrubbed }) => {
    expect(scrubText(input)).toBe(scrubbed);
  });

  it('drops values under sensitive keys, and scrubs an identifier key whose value is not id-shaped', () => {
    expect(logged({ customer: { rut: '1-9', email: 'x' }, request_id: 'ana.perez@example.cl' })).toEqual({
      customer: { rut: '[redacted]', email: '[redacted]' },
      request_id: '[email]',
    });
  });

  it('any RUT, email or phone generated at random is scrubbed wherever it sits in text', () => {
    const rut = fc.integer({ min: 1_000_000, max: 99_999_999 }).map((body) => `${body}-${'0123456789K'[body % 11]}`);
    const phone = fc.stringMatching(/^\d{8}$/).map((digits) => `+56 9 ${digits.slice(0, 4)} ${digits.slice(4)}`);
    const email = fc.emailAddress().filter((address) => address.split('@')[0]!.length <= 64);
    fc.assert(
      fc.property(fc.oneof(rut, phone, email), fc.constantFrom('', 'x ', '"', '(', 'id='), (datum, before) => {
        expect(scrubText(`${before}${datum} end`)).not.toContain(datum);
      }),
      { numRuns: 2_000 },
    );
  });
});

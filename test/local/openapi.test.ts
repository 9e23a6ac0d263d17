// The OpenAPI document: complete (every route of the catalog, every error code of the contract) and the
// committed local/openapi.json exactly what the generator writes, so it cannot drift from the code.
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#shared/catalog.ts';
import { ERROR_STATUS } from '#shared/errors.ts';
import { buildOpenApiDocument, committedOpenApiText, openApiText } from '../../local/openapi.ts';

interface Operation {
  'x-function': string;
  security: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  responses: Record<string, { 'x-error-codes'?: string[] }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const doc = buildOpenApiDocument() as unknown as Document;
const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
);

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with exactly the catalog\'s routes, each naming its function', () => {
    expect(doc.openapi).toBe('3.1.0');
    const expected = Object.entries(FUNCTIONS).flatMap(([name, spec]) => spec.routes.map((r) => `${r.method} ${r.path} ${name}`));
    expect(operations.map(({ key, op }) => `${key} ${op['x-function']}`).sort()).toEqual(expected.sort());
  });

  it('has every error code of the contract in the Error schema, and each one answered by some route', () => {
    const codes = Object.keys(ERROR_STATUS);
    expect(doc.components.schemas.Error).toMatchObject({ properties: { error: { properties: { code: { enum: codes } } } } });
    const answered = new Set(operations.flatMap(({ op }) => Object.values(op.responses).flatMap((r) => r['x-error-codes'] ?? [])));
    // NOT_FOUND for an unknown route belongs to no operation; the status routes answer it for an unknown order.
    expect([...answered].sort()).toEqual([...codes].sort());
  });

  it('files each error code under its contract status', () => {
    for (const { key, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const code of response['x-error-codes'] ?? []) expect(`${key} ${code} ${ERROR_STATUS[code as keyof typeof ERROR_STATUS]}`).toBe(`${key} ${code} ${status}`);
      }
    }
  });

  it('describes request bodies from the handlers\' schemas, input side (RUT and phone as a client may type them)', () => {
    expect(doc.components.schemas.CreateOrderRequest).toMatchObject({
      additionalProperties: false,
      required: ['total_amount', 'customer'],
      properties: {
        total_amount: { type: 'integer', minimum: 1, maximum: 999_999_999 },
        customer: { properties: { rut: { type: 'string', examples: ['12.345.678-5'] } } },
      },
    });
    expect(doc.paths['/v1/orders']).toMatchObject({
      post: {
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false }],
        responses: { 201: { content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateOrderResponse' } } } } },
      },
    });
  });

  it('lists the order status values and the list route\'s query parameters', () => {
    expect(doc.components.schemas.GetPaymentStatusResponse).toMatchObject({
      properties: { status: { enum: ['pending', 'paid', 'failed', 'needs_review'] } },
    });
    const names = (doc.paths['/v1/payments']?.get?.parameters ?? []).map((p: { name: string }) => p.name);
    expect(names).toEqual(['provider', 'status', 'from', 'to', 'limit', 'cursor']);
    expect(doc.paths['/v1/etpay/sessions']?.post?.responses['409']?.['x-error-codes']).toEqual(['ORDER_CONFLICT', 'ORDER_ALREADY_PAID']);
  });

  it('declares path parameters, the scope of each clinic route, and leaves provider-called routes without the clinic authorizer', () => {
    expect(doc.paths['/v1/payments/etpay/{merchant_order_id}']?.get?.parameters).toEqual([
      expect.objectContaining({ name: 'merchant_order_id', in: 'path', required: true }),
      expect.objectContaining({ name: 'refresh', in: 'query', required: false }),
    ]);
    for (const { op, key } of operations) {
      const isPublic = (FUNCTIONS as Record<string, { public?: boolean }>)[op['x-function']]?.public === true;
      const scope = key.startsWith('GET ') ? 'clinic-payments/payments.read' : 'clinic-payments/payments.write';
      expect(op.security).toEqual(isPublic ? [] : [{ clinicOAuth: [scope] }]);
    }
  });

  it('is committed as generated: run `npx node local/openapi.ts --write` after changing a route or a schema', () => {
    expect(committedOpenApiText()).toBe(openApiText());
  });
});

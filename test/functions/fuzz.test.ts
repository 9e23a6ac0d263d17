// Arbitrary JSON bodies, and near-valid ones with a field replaced by anything, never crash a handler:
// the answer is always a contract error or a success, never INTERNAL_ERROR or a throw.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as createEtpaySession } from '../../functions/create-etpay-session/handler.ts';
import { handler as createOrder } from '../../functions/create-order/handler.ts';
import { handler as createWidgetSession } from '../../functions/create-widget-session/handler.ts';
import { usePaymentsTable } from '../support/dynamo.ts';
import { captureOutput } from '../support/logs.ts';
import { invoke, type Handler } from '../support/lambda.ts';
import { json, startProviderStub, type ProviderStub } from '../support/provider-stub.ts';
import { ETPAY_TEST_SECRET, mockSecrets, SKIP_TEST_SECRET } from '../support/secrets.ts';
import { setEnvironment } from '../support/env.ts';
import { samplePatientCanonical } from '../support/fixtures.ts';

captureOutput();
// create-order and create-etpay-session keep payment state (Idempotency-Key records, ETpay sessions).
const table = usePaymentsTable();
mockSecrets({ skip: SKIP_TEST_SECRET, etpay: ETPAY_TEST_SECRET });
let provider: ProviderStub;
const RUNS = 1_000;

beforeAll(async () => {
  provider = await startProviderStub();
  // One stub plays every provider: a body each route accepts, with fresh ids as the providers hand out.
  provider.answer(
    ...Array.from({ length: 4 * RUNS }, (_, i) =>
      json(201, { hash: `ord_${i}`, widget_token: 'w1', url: 'https://spot.getskip.ai/?widget_token=w1', token: `t${i}`, signature_token: 's1' }),
    ),
  );
  setEnvironment({
    STAGE: 'local',
    SKIPPAY_API_URL: provider.url,
    SKIP_BACKEND_URL: provider.url,
    SPOT_WIDGET_URL: 'https://spot.getskip.ai',
    ETPAY_API_URL: provider.url,
    ETPAY_RETURN_ORIGINS: 'https://clinic.example',
    SKIP_SECRET_ID: 'skip',
    ETPAY_SECRET_ID: 'etpay',
    PAYMENTS_TABLE: table.name,
  });
});
afterAll(async () => {
  await provider.close();
});

const seeds: Record<string, Record<string, unknown>> = {
  orders: { total_amount: 50000, customer: samplePatientCanonical },
  widget: { patient: samplePatientCanonical },
  etpay: { merchant_order_id: 'OC-1', order_amount: 1000, payment_completed_url: 'https://clinic.example/ok' },
};
const handlers: { name: string; handler: Handler }[] = [
  { name: 'orders', handler: createOrder },
  { name: 'widget', handler: createWidgetSession },
  { name: 'etpay', handler: createEtpaySession },
];

/** A seed with one key (possibly nested) replaced by an arbitrary JSON value. */
const mutate = (seed: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom(...Object.keys(seed), 'customer.rut', 'patient.email', 'metadata', 'extra'), fc.jsonValue()).map(([path, value]) => {
    const copy = structuredClone(seed);
    const [head = '', tail] = path.split('.');
    const inner = copy[head];
    if (tail && typeof inner === 'object' && inner !== null) (inner as Record<string, unknown>)[tail] = value;
    else copy[head] = value;
    return JSON.stringify(copy);
  });

describe.each(handlers)('fuzzing $name', ({ name, handler }) => {
  it(`${RUNS} arbitrary and near-valid bodies never give INTERNAL_ERROR`, async () => {
    const body = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      mutate(seeds[name] ?? {}),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (rawBody, base64) => {
        const res = await invoke(handler, { rawBody, base64 });
        expect(res.status).not.toBe(500);
        if (res.status >= 400) expect(['INVALID_JSON', 'VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE']).toContain(res.body.error.code);
      }),
      { numRuns: RUNS },
    );
  });
});

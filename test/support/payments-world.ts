// End to end against the sandbox: the real handlers, the provider sandbox on loopback, dynalite for the
// table, the EventBridge stand-in for the bus, aws-sdk-client-mock for Secrets Manager (the sandbox's own
// credentials). Tests create orders and sessions through the API's own handlers, settle them at the
// provider with the sandbox control, and watch what reaches the table and the bus.
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { resetEventBridgeClient } from '#shared/events/payment-events.ts';
import { itemId } from '#shared/state/keys.ts';
import { handler as createSessionHandler } from '../../functions/create-etpay-session/handler.ts';
import { handler as createOrderHandler } from '../../functions/create-order/handler.ts';
import { startEventBridgeStandIn, type EventBridgeStandIn } from '../../local/eventbridge-standin.ts';
import { SANDBOX_ETPAY_SECRET, SANDBOX_SECRET_IDS, SANDBOX_SKIP_SECRET, startSandbox, type Sandbox } from '../../local/sandbox/index.ts';
import { usePaymentsTable } from './dynamo.ts';
import { setEnvironment } from './env.ts';
import { sampleOrder } from './fixtures.ts';
import { CLINIC_A, invoke, ownerOfClaims } from './lambda.ts';
import { mockSecrets } from './secrets.ts';

export const BUS = 'clinic-payments-local';

export const usePaymentsWorld = () => {
  const table = usePaymentsTable();
  mockSecrets({ [SANDBOX_SECRET_IDS.skip]: SANDBOX_SKIP_SECRET, [SANDBOX_SECRET_IDS.etpay]: SANDBOX_ETPAY_SECRET });
  const world = { table } as { table: typeof table; sandbox: Sandbox; bus: EventBridgeStandIn };
  let counter = 0;

  beforeAll(async () => {
    world.sandbox = await startSandbox();
    world.bus = await startEventBridgeStandIn({ buses: [BUS] });
  });
  afterAll(async () => {
    await world.sandbox.close();
    await world.bus.close();
  });
  beforeEach(() => {
    resetSecretsCache();
    resetEventBridgeClient();
    world.bus.events.length = 0;
    world.bus.failNext(0);
    setEnvironment({
      STAGE: 'local',
      SKIPPAY_API_URL: world.sandbox.skippayApiUrl,
      ETPAY_API_URL: world.sandbox.etpayApiUrl,
      SKIP_SECRET_ID: SANDBOX_SECRET_IDS.skip,
      ETPAY_SECRET_ID: SANDBOX_SECRET_IDS.etpay,
      ETPAY_RETURN_ORIGINS: 'https://clinic.example',
      ETPAY_WEBHOOK_URL: undefined,
      ETPAY_PAYMENT_URL: undefined,
      UPSTREAM_TIMEOUT_MS: '1500',
      PAYMENTS_TABLE: table.name,
      PAYMENTS_EVENT_BUS: BUS,
      AWS_ENDPOINT_URL_EVENTBRIDGE: world.bus.endpoint,
    });
  });

  /** A SkipPay order created through POST /v1/orders (clinic A): its order_token. */
  const createSkipPayOrder = async (amount = 50000): Promise<string> => {
    counter += 1;
    const res = await invoke(createOrderHandler, { body: { ...sampleOrder, reference: `CLINIC-${counter}-${Date.now()}`, total_amount: amount } });
    expect(res.status).toBe(201);
    return res.body.order_token as string;
  };
  /** An ETpay session opened through POST /v1/etpay/sessions (clinic A). */
  const openEtpaySession = async (amount = 50000): Promise<{ token: string; merchantOrderId: string }> => {
    counter += 1;
    const merchantOrderId = `OC-${counter}-${Date.now()}`;
    const res = await invoke(createSessionHandler, { body: { merchant_order_id: merchantOrderId, order_amount: amount } });
    expect(res.status).toBe(201);
    return { token: res.body.token as string, merchantOrderId };
  };
  const orderOf = (provider: 'etpay' | 'skippay', id: string) => table.get(itemId.order(ownerOfClaims(CLINIC_A), provider, id));
  const attemptOf = (provider: 'etpay' | 'skippay', id: string) => table.get(itemId.attempt(provider, id));
  /** The Payment Status Changed events the bus received about one order. */
  const eventsAbout = (id: string) => world.bus.events.filter((event) => (event.detail as { id?: string }).id === id);

  return { world, createSkipPayOrder, openEtpaySession, orderOf, attemptOf, eventsAbout };
};

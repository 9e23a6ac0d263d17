// The EventBridge stand-in on loopback, reached by the real SDK client through AWS_ENDPOINT_URL_EVENTBRIDGE
// exactly as the functions configure it: the publisher's event arrives whole, the SDK's retries are real,
// and failures end as the publisher promises (false, counted), never as a throw.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publishPaymentStatusChanged, resetEventBridgeClient, type PaymentStatusChangedDetail } from '#shared/events/payment-events.ts';
import { startEventBridgeStandIn, type EventBridgeStandIn } from '../../local/eventbridge-standin.ts';
import { setEnvironment } from '../support/env.ts';
import { captureOutput } from '../support/logs.ts';

const output = captureOutput();
let standIn: EventBridgeStandIn;
const BUS = 'clinic-payments-local';

beforeAll(async () => {
  standIn = await startEventBridgeStandIn({ buses: [BUS] });
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => {
  standIn.events.length = 0;
  standIn.failNext(0);
  resetEventBridgeClient();
  setEnvironment({
    STAGE: 'local',
    PAYMENTS_EVENT_BUS: BUS,
    AWS_ENDPOINT_URL_EVENTBRIDGE: standIn.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
  });
});

const detail: PaymentStatusChangedDetail = {
  provider: 'skippay',
  id: 'ord_abc123',
  owner: 'local#clinica-demo-a',
  status: 'paid',
  paid: true,
  amount: 50000,
  updated_at: '2026-12-02T12:00:00.000Z',
};

const putEvents = (body: unknown, target = 'AWSEvents.PutEvents') =>
  fetch(standIn.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body: JSON.stringify(body) });

describe('the real SDK client publishing to the stand-in', () => {
  it('delivers the event as a rule target would receive it', async () => {
    const result = await publishPaymentStatusChanged(detail);
    expect(result).toEqual({ published: true, eventId: expect.any(String) });
    expect(standIn.events).toEqual([
      {
        version: '0',
        id: result.published ? result.eventId : '',
        'detail-type': 'Payment Status Changed',
        source: 'clinic-payments',
        account: '000000000000',
        time: '2026-12-02T12:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail,
        'event-bus-name': BUS,
      },
    ]);
  });

  it('two 500s then an answer: the SDK`s own retries deliver it (3 attempts)', async () => {
    standIn.failNext(2);
    const before = standIn.calls;
    expect((await publishPaymentStatusChanged(detail)).published).toBe(true);
    expect(standIn.calls - before).toBe(3);
    expect(standIn.events).toHaveLength(1);
  });

  it('EventBridge failing past the retries: false, counted, nothing thrown', async () => {
    standIn.failNext(10);
    const before = standIn.calls;
    const mark = output.mark();
    expect(await publishPaymentStatusChanged(detail)).toEqual({ published: false, reason: expect.stringMatching(/^PutEvents failed/) });
    expect(standIn.calls - before).toBe(3);
    expect(output.linesSince(mark).join('\n')).toContain('"EventPublishFailed":1');
    standIn.failNext(0);
  });

  it('a bus that does not exist: the entry is refused, false', async () => {
    setEnvironment({ PAYMENTS_EVENT_BUS: 'clinic-payments-nope' });
    expect(await publishPaymentStatusChanged(detail)).toEqual({ published: false, reason: 'entry refused (ResourceNotFoundException)' });
    expect(standIn.events).toHaveLength(0);
  });
});

describe('the stand-in`s protocol', () => {
  it('answers per entry, and takes a bus ARN', async () => {
    const res = await putEvents({
      Entries: [
        { Source: 's', DetailType: 'd', Detail: '{"a":1}', EventBusName: `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}` },
        { Source: 's', DetailType: 'd', Detail: 'not json' },
        { Source: 's', DetailType: 'd', Detail: '[1]' },
        { Source: 's', Detail: '{}' },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { FailedEntryCount: number; Entries: Record<string, string>[] };
    expect(body.FailedEntryCount).toBe(3);
    expect(body.Entries.map((entry) => entry.EventId ? 'ok' : entry.ErrorCode)).toEqual(['ok', 'MalformedDetail', 'MalformedDetail', 'InvalidArgument']);
    expect(standIn.events.map((event) => event['event-bus-name'])).toEqual([BUS]);
  });

  const refused = [
    { name: 'another operation', body: { Entries: [] }, target: 'AWSEvents.ListRules', type: 'UnknownOperationException' },
    { name: 'no entries', body: { Entries: [] }, target: 'AWSEvents.PutEvents', type: 'ValidationException' },
    {
      name: 'eleven entries',
      body: { Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' })) },
      target: 'AWSEvents.PutEvents',
      type: 'ValidationException',
    },
  ];
  it.each(refused)('$name → 400 $type', async ({ body, target, type }) => {
    const res = await putEvents(body, target);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe(type);
  });
});

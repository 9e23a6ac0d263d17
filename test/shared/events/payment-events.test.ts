// The payment event publisher against a mocked EventBridge client: exactly the contract's event, never a
// throw, and every failure counted (EventPublishFailed) so state-first callers keep their state change.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  eventBridgeClient,
  publishPaymentStatusChanged,
  resetEventBridgeClient,
  type PaymentStatusChangedDetail,
} from '#shared/events/payment-events.ts';
import { setEnvironment } from '../../support/env.ts';
import { captureOutput, emfProblems } from '../../support/logs.ts';

const output = captureOutput();
const eventBridge = mockClient(EventBridgeClient);

const detail: PaymentStatusChangedDetail = {
  provider: 'etpay',
  id: 'OC-700104',
  owner: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x#clinica-demo-a',
  status: 'paid',
  paid: true,
  amount: 50000,
  updated_at: '2026-12-02T12:00:00.000Z',
};

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
  resetEventBridgeClient();
  setEnvironment({ STAGE: 'staging', PAYMENTS_EVENT_BUS: 'clinic-payments-staging' });
});

/** The EventPublishFailed documents written since `mark`. */
const failuresSince = (mark: number): Record<string, unknown>[] =>
  output
    .linesSince(mark)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => 'EventPublishFailed' in line);

describe('publishPaymentStatusChanged', () => {
  it('puts exactly the contract event on the stage bus', async () => {
    expect(await publishPaymentStatusChanged(detail)).toEqual({ published: true, eventId: 'evt-1' });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const entries = calls[0]?.args[0].input.Entries ?? [];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toEqual({
      Source: 'clinic-payments',
      DetailType: 'Payment Status Changed',
      EventBusName: 'clinic-payments-staging',
      Detail: JSON.stringify(detail),
      Time: new Date(detail.updated_at),
    });
    expect(JSON.parse(entries[0]?.Detail ?? '')).toEqual(detail);
  });

  it('accepts a bus ARN', async () => {
    setEnvironment({ PAYMENTS_EVENT_BUS: 'arn:aws:events:us-east-1:123456789012:event-bus/clinic-payments-production' });
    expect((await publishPaymentStatusChanged(detail)).published).toBe(true);
  });

  const refused: { name: string; detail: Record<string, unknown>; field: string }[] = [
    { name: 'a personal datum riding along', detail: { ...detail, rut: '12345678-5' }, field: '(root)' },
    { name: 'paid without status paid', detail: { ...detail, status: 'needs_review', paid: true }, field: 'paid' },
    { name: 'an unknown status', detail: { ...detail, status: 'success' }, field: 'status' },
    { name: 'an amount with decimals', detail: { ...detail, amount: 500.5 }, field: 'amount' },
    { name: 'a time that is not ISO 8601', detail: { ...detail, updated_at: 'yesterday' }, field: 'updated_at' },
  ];
  it.each(refused)('$name: not sent, counted, answered false', async ({ detail: bad, field }) => {
    const mark = output.mark();
    const result = await publishPaymentStatusChanged(bad as unknown as PaymentStatusChangedDetail);
    expect(result).toEqual({ published: false, reason: expect.stringContaining(field) });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(failuresSince(mark)).toHaveLength(1);
    expect(output.text()).not.toContain('12345678-5');
  });

  it('without PAYMENTS_EVENT_BUS: not sent, counted under the provider, answered false', async () => {
    setEnvironment({ PAYMENTS_EVENT_BUS: undefined });
    const mark = output.mark();
    expect(await publishPaymentStatusChanged({ ...detail, provider: 'skippay' })).toEqual({ published: false, reason: expect.stringContaining('PAYMENTS_EVENT_BUS') });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    const [metric = {}] = failuresSince(mark);
    expect(metric).toMatchObject({ provider: 'skippay', stage: 'staging', service: 'clinic-payments-api', EventPublishFailed: 1 });
    expect(emfProblems(metric)).toEqual([]);
  });

  it('EventBridge failing (after the SDK`s own retries): never throws, counted, logged without the detail', async () => {
    const unavailable = Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailableException' });
    eventBridge.on(PutEventsCommand).rejects(unavailable);
    const mark = output.mark();
    expect(await publishPaymentStatusChanged(detail)).toEqual({ published: false, reason: 'PutEvents failed (ServiceUnavailableException)' });
    expect(failuresSince(mark)).toEqual([expect.objectContaining({ provider: 'etpay', EventPublishFailed: 1 })]);
    const logged = output.linesSince(mark).join('\n');
    expect(logged).toContain('payment event not published');
    expect(logged).not.toContain('OC-700104');
    expect(logged).not.toContain('clinica-demo-a');
  });

  it('an entry refused for a transient reason is put once more', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-2' }] });
    expect(await publishPaymentStatusChanged(detail)).toEqual({ published: true, eventId: 'evt-2' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('an entry refused for good is not put again, and counted', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException' }] });
    const mark = output.mark();
    expect(await publishPaymentStatusChanged(detail)).toEqual({ published: false, reason: 'entry refused (AccessDeniedException)' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(failuresSince(mark)).toHaveLength(1);
  });

  it('a deadline already passed: nothing sent, answered false', async () => {
    expect(await publishPaymentStatusChanged(detail, { deadline: Date.now() - 1 })).toEqual({ published: false, reason: 'no time left before the deadline' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('the client retries on its own (standard mode, 3 attempts)', async () => {
    expect(await eventBridgeClient().config.maxAttempts()).toBe(3);
  });
});

// Every order status change is one `Payment Status Changed` event on the stage's EventBridge bus, so a
// clinic's own systems learn of payments without polling. State first, then publish: a publish never
// throws, it answers whether the event went out, and a failure (after the SDK's retries) is counted
// (EventPublishFailed, which pages) and logged, so the state change it follows is never lost.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as z from 'zod/mini';
import { loadSettings } from '../config/settings.ts';
import { dependencyClientConfig, guardAwsClient } from '../aws/dependency.ts';
import { DEPENDENCY_BUDGETS } from '../limits.ts';
import { logger } from '../observability/logger.ts';
import { emfFields, EVENT_PUBLISH_FAILED_METRICS } from '../observability/metrics.ts';

export const PAYMENT_EVENT_SOURCE = 'clinic-payments';
const PAYMENT_STATUS_CHANGED = 'Payment Status Changed';

/**
 * The contract's detail, exactly: ids, owner (the clinic application, never a person's data), our status
 * and amount. Strict, so nothing else (a RUT, an email, a raw provider body) can ride along.
 */
const paymentStatusChangedDetail = z
  .strictObject({
    provider: z.enum(['etpay', 'skippay']),
    /** merchant_order_id (ETpay) or order_token (SkipPay): the id GET /v1/payments/{provider}/{id} takes. */
    id: z.string().check(z.minLength(1), z.maxLength(256)),
    /** `iss` + client id of the clinic application that owns the order. */
    owner: z.string().check(z.minLength(1), z.maxLength(512)),
    status: z.enum(['pending', 'paid', 'failed', 'needs_review']),
    paid: z.boolean(),
    /** The order's amount, CLP. */
    amount: z.number().check(z.int(), z.gte(1), z.lte(999_999_999)),
    updated_at: z.iso.datetime({ offset: true }),
  })
  .check(z.refine((detail) => detail.paid === (detail.status === 'paid'), { message: 'paid must be true exactly for status paid', path: ['paid'] }));
export type PaymentStatusChangedDetail = z.output<typeof paymentStatusChangedDetail>;

export type PublishResult = { published: true; eventId: string } | { published: false; reason: string };

let client: EventBridgeClient | undefined;
// Built on first use, like every AWS client (shared/aws/dependency.ts): attempts, timeouts and the call
// deadline from DEPENDENCY_BUDGETS.eventbridge; a transient failure is also counted as DependencyUnavailable.
// The SDK honours AWS_ENDPOINT_URL_EVENTBRIDGE and AWS_REGION by itself.
export const eventBridgeClient = (): EventBridgeClient =>
  (client ??= guardAwsClient(new EventBridgeClient(dependencyClientConfig('eventbridge')), 'eventbridge'));

/** Tests only: a new container's client. */
export const resetEventBridgeClient = (): void => {
  client?.destroy();
  client = undefined;
};

// An entry PutEvents refused inside a 200 answer is not retried by the SDK; these codes are worth one more try.
const TRANSIENT_ENTRY_ERRORS = new Set(['InternalFailure', 'InternalException', 'ThrottlingException']);

type Entry = NonNullable<ConstructorParameters<typeof PutEventsCommand>[0]['Entries']>[number];
type PutAnswer = { eventId: string; errorCode?: undefined } | { eventId?: undefined; errorCode: string };

const putOnce = async (entry: Entry, signal: AbortSignal): Promise<PutAnswer> => {
  const output = await eventBridgeClient().send(new PutEventsCommand({ Entries: [entry] }), { abortSignal: signal });
  const eventId = output.Entries?.[0]?.EventId;
  if ((output.FailedEntryCount ?? 0) === 0 && eventId) return { eventId };
  return { errorCode: output.Entries?.[0]?.ErrorCode ?? 'NoEventId' };
};

const failed = (provider: 'etpay' | 'skippay' | undefined, reason: string, error?: unknown): PublishResult => {
  // Counted on the failure's own log line, under the payment's provider (the metrics' third dimension). A
  // detail naming no provider we know is a bug in our own code: it still pages, under etpay, and says why.
  logger.error('payment event not published', {
    ...emfFields(provider ?? 'etpay', EVENT_PUBLISH_FAILED_METRICS),
    event_detail_type: PAYMENT_STATUS_CHANGED,
    reason,
    ...(error instanceof Error ? { error_type: error.name } : {}),
  });
  return { published: false, reason };
};

/**
 * Puts one `Payment Status Changed` event on PAYMENTS_EVENT_BUS. Never throws: `published: false` (counted
 * and logged) when the detail breaks the contract, the setting is missing, or EventBridge keeps failing.
 * `deadline` (epoch ms) bounds the whole publish, retries included, inside the caller's remaining time.
 */
export const publishPaymentStatusChanged = async (detail: PaymentStatusChangedDetail, options: { deadline?: number } = {}): Promise<PublishResult> => {
  const parsed = paymentStatusChangedDetail.safeParse(detail);
  const provider = detail.provider === 'etpay' || detail.provider === 'skippay' ? detail.provider : undefined;
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
    return failed(provider, `detail breaks the contract: ${fields.join(', ')}`);
  }
  let bus: string;
  try {
    bus = loadSettings(['PAYMENTS_EVENT_BUS']).PAYMENTS_EVENT_BUS;
  } catch (error) {
    return failed(provider, 'PAYMENTS_EVENT_BUS is missing or invalid', error);
  }
  const budget = Math.min(DEPENDENCY_BUDGETS.eventbridge.callTimeoutMs, (options.deadline ?? Infinity) - Date.now());
  if (budget <= 0) return failed(provider, 'no time left before the deadline');
  const signal = AbortSignal.timeout(budget);
  const entry = {
    Source: PAYMENT_EVENT_SOURCE,
    DetailType: PAYMENT_STATUS_CHANGED,
    Detail: JSON.stringify(parsed.data),
    EventBusName: bus,
    Time: new Date(parsed.data.updated_at),
  };
  try {
    let answer = await putOnce(entry, signal);
    if (answer.errorCode !== undefined && TRANSIENT_ENTRY_ERRORS.has(answer.errorCode) && !signal.aborted) answer = await putOnce(entry, signal);
    if (answer.eventId !== undefined) return { published: true, eventId: answer.eventId };
    return failed(provider, `entry refused (${answer.errorCode})`);
  } catch (error) {
    const kind = signal.aborted ? 'TimeoutError' : error instanceof Error ? error.name : 'unknown';
    return failed(provider, `PutEvents failed (${kind})`, error);
  }
};

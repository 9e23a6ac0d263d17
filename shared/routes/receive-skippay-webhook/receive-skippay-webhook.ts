// The SkipPay webhook route's one domain call: verify, then store the raw event once, then move its attempt
// and order: from the event's status, or, where the event names a known order without a readable status
// (or says `paid` without a readable amount), from a pull of that order (contract v1.1). An event naming no
// known order is counted (UnrecognizedEvent).
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { providerTokenSchema } from '../../domain/provider-token.ts';
import { PROVIDER_AMOUNT } from '../../providers/payment-status.ts';
import { ApiError, configurationError, isApiError, isUpstreamFailure } from '../../errors.ts';
import type { RouteContext } from '../../http/route.ts';
import { logger } from '../../observability/logger.ts';
import { MetricName } from '../../observability/metric-names.ts';
import { reportMetrics } from '../../observability/request-log.ts';
import { pullAndRecord, type ProviderConnections } from '../../reconcile/pull-attempt.ts';
import { itemId, RETENTION_SECONDS } from '../../state/keys.ts';
import { recordAttemptResult } from '../../state/attempt-results.ts';
import { findAttempt } from '../../state/orders.ts';
import { expiresIn, recordOnce } from '../../state/table.ts';
import { outcomeOf } from '../../state/transitions.ts';
import type { ReceiveSkipPayWebhookHeaders, ReceiveSkipPayWebhookResult } from './schema.ts';
import { skipPaySignatureProblem } from './skippay-signature.ts';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const caught = <S extends z.ZodMiniType>(schema: S) => z.catch(z.optional(schema), undefined);
// Skip documents the signature, not the body (README: TO BE CONFIRMED). Both shapes seen so far are read:
// an envelope {type|event, data: {hash|order_hash, status}} and a flat {event|type, hash|order_hash, status}.
// Each field is optional and caught, so an unknown shape is still stored and acknowledged.
const orderFields = {
  hash: caught(providerTokenSchema),
  order_hash: caught(providerTokenSchema),
  status: caught(text(64)),
  // The providers' one amount rule (PROVIDER_AMOUNT); present but unreadable is `null`, never "absent".
  total_amount: z.catch(z.optional(z.nullable(PROVIDER_AMOUNT)), null),
};
const skipPayEvent = z.object({
  id: caught(z.string().check(z.regex(/^[\x21-\x7E]{1,256}$/))),
  type: caught(text(128)),
  event: caught(text(128)),
  data: caught(z.object(orderFields)),
  ...orderFields,
});
type SkipPayEventBody = z.output<typeof skipPayEvent>;

/** What the state needs from an event, whichever shape it came in. */
export interface SkipPayEvent {
  id?: string | undefined;
  type?: string | undefined;
  orderToken?: string | undefined;
  /** The order's status, when the event says it readably. */
  status?: string | undefined;
  /** The amount the event says; `null` when it gives one we cannot read; undefined when it states none. Only a number is evidence. */
  totalAmount?: number | null | undefined;
}

const fromBody = (body: SkipPayEventBody): SkipPayEvent => {
  const type = body.type ?? body.event;
  const data = body.data ?? {};
  return {
    id: body.id,
    type,
    orderToken: data.hash ?? data.order_hash ?? body.hash ?? body.order_hash,
    // `order.paid` events carry the status in the type; otherwise `status` says it.
    status: data.status ?? body.status ?? (type === 'order.paid' ? 'paid' : undefined),
    totalAmount: data.total_amount !== undefined ? data.total_amount : body.total_amount,
  };
};

/** Read only once the signature holds. A body that is not a JSON object is still a (stored) event. */
const readSkipPayEvent = (raw: Buffer): SkipPayEvent => {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return {};
  }
  const parsed = skipPayEvent.safeParse(json);
  return parsed.success ? fromBody(parsed.data) : {};
};

/** What a stored event did: moved its order, pulled the order's status, or nothing we could read. */
type EventEffect = 'recorded' | 'pulled' | 'pull_failed' | 'unrecognized';

export const receiveSkipPayWebhook = async (
  raw: Buffer,
  ctx: RouteContext<'receive-skippay-webhook', ReceiveSkipPayWebhookHeaders>,
): Promise<ReceiveSkipPayWebhookResult> => {
  const { PAYMENTS_TABLE } = ctx.settings;
  const skip = await ctx.secret();
  if (!skip.SKIPPAY_WEBHOOK_SECRET) throw configurationError('secret skip: SKIPPAY_WEBHOOK_SECRET is missing');
  const problem = skipPaySignatureProblem(raw, ctx.headers, skip.SKIPPAY_WEBHOOK_SECRET);
  if (problem) throw new ApiError('INVALID_SIGNATURE', { reason: `skippay webhook: ${problem}` });

  const event = readSkipPayEvent(raw);
  // An event without an id is identified by its exact bytes, so a redelivery is still recognised.
  const eventId = event.id ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const { orderToken, status } = event;
  let effect: EventEffect = 'unrecognized';
  const recorded = await recordOnce(
    PAYMENTS_TABLE,
    {
      id: itemId.skippayEvent(eventId),
      event_type: event.type,
      order_token: orderToken,
      raw_body: raw,
      received_at: new Date().toISOString(),
      expiration: expiresIn(RETENTION_SECONDS.paymentRecords),
    },
    async () => {
      // The order is found through its attempt (the SkipPay order): a hash nobody created here moves nothing.
      const attempt = orderToken === undefined ? undefined : await findAttempt(PAYMENTS_TABLE, 'skippay', orderToken);
      if (!attempt) {
        // Signed, so really from Skip, yet about no order we can name: kept raw for on-call, and counted.
        reportMetrics('skippay', [[MetricName.UnrecognizedEvent, 'Count', 1]]);
        return;
      }
      // Money is exact: a `paid` is evidence of the amount it states and of nothing else. One that states no
      // amount, or one we cannot read, says nothing about how much moved: pulled below (the pull carries it).
      const paidWithoutAmount = status !== undefined && typeof event.totalAmount !== 'number' && outcomeOf('skippay', status) === 'success';
      if (status !== undefined && !paidWithoutAmount) {
        await recordAttemptResult(
          PAYMENTS_TABLE,
          attempt,
          // Only a success's amount is ever read (transitions.ts); a failure or a not-final word needs none.
          { outcome: outcomeOf('skippay', status), providerStatus: status, amount: event.totalAmount ?? 0 },
          { deadline: ctx.budget.deadline },
        );
        effect = 'recorded';
        return;
      }
      // Already paid here: a pull could not change it (a success stays a success), so SkipPay is not asked.
      if (attempt.status === 'succeeded') return;
      // About an order we know, but its status (or the amount it was paid) cannot be read: ask SkipPay. If that fails, the event stays
      // acknowledged and the attempt stays due, so reconcile-payments pulls it on its next run.
      try {
        const connections: ProviderConnections = {
          skippay: (budget) => Promise.resolve({ apiUrl: ctx.settings.SKIPPAY_API_URL, clientSecret: skip.SKIPPAY_CLIENT_SECRET, ...budget }),
          etpay: () => Promise.reject(new Error('not an etpay route')),
        };
        await pullAndRecord(PAYMENTS_TABLE, attempt, connections, ctx.budget);
        effect = 'pulled';
      } catch (error) {
        if (isApiError(error) && !isUpstreamFailure(error.code) && error.code !== 'UPSTREAM_REJECTED') throw error;
        effect = 'pull_failed';
      }
    },
  );
  logger.info('skippay webhook', { event_type: event.type ?? 'unknown', effect: recorded ? effect : 'none', replay: !recorded });
  return { statusCode: 200, body: { received: true } };
};

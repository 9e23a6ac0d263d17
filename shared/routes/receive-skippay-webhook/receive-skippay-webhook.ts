// The SkipPay webhook route's one domain call: verify, then store the raw event once, then move its attempt and order.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { providerTokenSchema } from '../../domain/provider-token.ts';
import { ApiError, configurationError } from '../../errors.ts';
import type { RouteContext } from '../../http/route.ts';
import { logger } from '../../observability/logger.ts';
import { itemId, RETENTION_SECONDS } from '../../state/keys.ts';
import { recordAttemptResult } from '../../state/attempt-results.ts';
import { findAttempt } from '../../state/orders.ts';
import { expiresIn, recordOnce } from '../../state/table.ts';
import { outcomeOf } from '../../state/transitions.ts';
import type { ReceiveSkipPayWebhookHeaders, ReceiveSkipPayWebhookResult } from './schema.ts';
import { skipPaySignatureProblem } from './skippay-signature.ts';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
// Only what the state needs is read; anything else in the event is kept in the raw copy. Each field is
// optional and caught, so an unknown event shape is still stored and acknowledged.
const skipPayEvent = z.object({
  id: z.catch(z.optional(z.string().check(z.regex(/^[\x21-\x7E]{1,256}$/))), undefined),
  type: z.catch(z.optional(text(128)), undefined),
  data: z.catch(
    z.optional(
      z.object({
        hash: z.catch(z.optional(providerTokenSchema), undefined),
        status: z.catch(z.optional(text(64)), undefined),
        total_amount: z.catch(z.optional(z.coerce.number().check(z.int(), z.positive())), undefined),
      }),
    ),
    undefined,
  ),
});
type SkipPayEvent = z.output<typeof skipPayEvent>;

/** Read only once the signature holds. A body that is not a JSON object is still a (stored) event. */
const readEvent = (raw: Buffer): SkipPayEvent => {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return {};
  }
  const parsed = skipPayEvent.safeParse(json);
  return parsed.success ? parsed.data : {};
};

/** `order.paid` events carry the status in the type; otherwise `data.status` says it. */
const orderStatusOf = (event: SkipPayEvent): string | undefined =>
  event.data?.status ?? (event.type === 'order.paid' ? 'paid' : undefined);

export const receiveSkipPayWebhook = async (
  raw: Buffer,
  ctx: RouteContext<'receive-skippay-webhook', ReceiveSkipPayWebhookHeaders>,
): Promise<ReceiveSkipPayWebhookResult> => {
  const { PAYMENTS_TABLE } = ctx.settings;
  const skip = await ctx.secret();
  if (!skip.SKIPPAY_WEBHOOK_SECRET) throw configurationError('secret skip: SKIPPAY_WEBHOOK_SECRET is missing');
  const problem = skipPaySignatureProblem(raw, ctx.headers, skip.SKIPPAY_WEBHOOK_SECRET);
  if (problem) throw new ApiError('INVALID_SIGNATURE', { reason: `skippay webhook: ${problem}` });

  const event = readEvent(raw);
  // An event without an id is identified by its exact bytes, so a redelivery is still recognised.
  const eventId = event.id ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const orderToken = event.data?.hash;
  const status = orderStatusOf(event);
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
      if (orderToken === undefined || status === undefined) return;
      // The order is found through its attempt (the SkipPay order): a hash nobody created here moves nothing.
      const attempt = await findAttempt(PAYMENTS_TABLE, 'skippay', orderToken);
      if (!attempt) return;
      await recordAttemptResult(PAYMENTS_TABLE, attempt, {
        outcome: outcomeOf('skippay', status),
        providerStatus: status,
        amount: event.data?.total_amount ?? attempt.amount,
      });
    },
  );
  logger.info('skippay webhook', { event_type: event.type ?? 'unknown', order_state_changed: recorded && status !== undefined, replay: !recorded });
  return { statusCode: 200, body: { received: true } };
};

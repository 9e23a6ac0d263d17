// The notification route's one domain call. The signed shape (`{payment: "<JWT>"}`) is verified and recorded
// once per payment_token, as before; a replay is acknowledged like the first delivery. A body without the
// JWT is unsigned, so nothing in it is believed: if it names a session we know, that session's status is
// pulled from ETpay and recorded (the same payment_token record, so the pull and a signed notification of
// the same payment count once); a body naming no session we know is refused like a bad signature. An array
// (ETpay's status-answer format) is read the same way, element by element: it only says which sessions to pull.
import { providerTokenSchema } from '../../domain/provider-token.ts';
import { ApiError, isApiError, isUpstreamFailure } from '../../errors.ts';
import { paymentResultJwt, verifyPaymentResult } from '../../etpay/payment-result.ts';
import { recordEtpayPaymentResult } from '../../etpay/record-payment-result.ts';
import type { RouteContext } from '../../http/route.ts';
import { logger } from '../../observability/logger.ts';
import type * as PullAttempt from '../../reconcile/pull-attempt.ts';
import { findAttempt, type AttemptRecord } from '../../state/orders.ts';
import type { EtpayNotification, ReceiveEtpayNotificationBody, ReceiveEtpayNotificationResult } from './schema.ts';

type Context = RouteContext<'receive-etpay-notification'>;

// The pull path (ETpay's status client) is imported by the first unsigned delivery only: the signed
// notification, ETpay's usual one, loads none of it (docs/performance.md).
let pulls: Promise<typeof PullAttempt> | undefined;
const loadPulls = (): Promise<typeof PullAttempt> => (pulls ??= import('../../reconcile/pull-attempt.ts'));

const received: ReceiveEtpayNotificationResult = { statusCode: 200, body: { received: true } };

/** The session an unsigned body names: `session_token` at the top, or inside a `payment` object. */
const namedSession = (input: EtpayNotification): string | undefined => {
  const nested = typeof input.payment === 'object' && input.payment !== null ? (input.payment as Record<string, unknown>).session_token : undefined;
  const token = providerTokenSchema.safeParse(input.session_token ?? nested);
  return token.success ? token.data : undefined;
};

/** Pulls one known session from ETpay and records what ETpay says; a pull ETpay cannot answer now is left to reconcile-payments. */
const pullSession = async (attempt: AttemptRecord, ctx: Context): Promise<void> => {
  // Already paid here: a pull could not change it (a success stays a success), so ETpay is not asked again,
  // however often an unsigned body names the session (its token is in the payer's payment_url).
  if (attempt.status === 'succeeded') return;
  try {
    const etpay = await ctx.secret();
    const { pullAndRecord } = await loadPulls();
    await pullAndRecord(
      ctx.settings.PAYMENTS_TABLE,
      attempt,
      {
        etpay: (budget) =>
          Promise.resolve({ apiUrl: ctx.settings.ETPAY_API_URL, merchantCode: etpay.ETPAY_MERCHANT_CODE, merchantApiToken: etpay.ETPAY_MERCHANT_API_TOKEN, ...budget }),
        skippay: () => Promise.reject(new Error('not a skippay route')),
      },
      ctx.budget,
    );
    logger.info('etpay payment result', { source: 'notification-pull' });
  } catch (error) {
    // ETpay could not be asked now: the attempt stays due, reconcile-payments pulls it on its next run.
    if (!isApiError(error) || !(isUpstreamFailure(error.code) || error.code === 'UPSTREAM_REJECTED')) throw error;
    logger.warn('etpay notification: pull failed, left to reconcile-payments', { code: error.code });
  }
};

/**
 * The attempts an unsigned delivery names that we know, each once. Unknown sessions are passed over (only
 * their number is logged); a delivery naming none we know is refused like a bad signature, object or array.
 */
const knownSessions = async (notifications: readonly EtpayNotification[], table: string): Promise<AttemptRecord[]> => {
  const tokens = [...new Set(notifications.map(namedSession).filter((token) => token !== undefined))];
  const attempts = (await Promise.all(tokens.map((token) => findAttempt(table, 'etpay', token)))).filter((attempt) => attempt !== undefined);
  if (attempts.length === 0) throw new ApiError('INVALID_SIGNATURE', { reason: 'etpay notification: no signed result and no session we know' });
  if (notifications.length > 1 || attempts.length < tokens.length) {
    logger.info('etpay notification: sessions named', { elements: notifications.length, known: attempts.length, unknown: tokens.length - attempts.length });
  }
  return attempts;
};

export const receiveEtpayNotification = async (input: ReceiveEtpayNotificationBody, ctx: Context): Promise<ReceiveEtpayNotificationResult> => {
  const { PAYMENTS_TABLE } = ctx.settings;
  if (!Array.isArray(input)) {
    const jwt = paymentResultJwt.safeParse(input.payment);
    if (jwt.success) {
      // Without a payment_token a notification cannot be recorded once: it is refused like any bad claim.
      const result = await verifyPaymentResult(jwt.data, PAYMENTS_TABLE, { requirePaymentToken: true });
      await recordEtpayPaymentResult(PAYMENTS_TABLE, result, 'notification');
      return received;
    }
  }
  // Unsigned: an object without the JWT, or an array (a JWT inside an element is not verified, only its session read).
  const attempts = await knownSessions(Array.isArray(input) ? input : [input], PAYMENTS_TABLE);
  // Side by side (at most MAX_NOTIFIED_PAYMENTS), each within the invocation's budget; a state write that
  // fails is answered (ETpay delivers again) once every pull has settled.
  const settled = await Promise.allSettled(attempts.map((attempt) => pullSession(attempt, ctx)));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return received;
};

// POST /v1/etpay/notifications: the request and the answer as the contract defines them.
import * as z from 'zod/mini';
import { acknowledgement, type RouteResult } from '../../http/response.ts';

/**
 * From ETpay. Loose on purpose: a field ETpay adds must not turn every notification into a 400 that it
 * retries forever. The documented shape is `{payment: "<JWT>"}` (verified, signed); ETpay also says its
 * notification has the fields of its status answer (provider-docs/status-pulls.md), so a body without the
 * JWT that names a session we know is answered by pulling that session (TO BE CONFIRMED, README).
 */
export const receiveEtpayNotificationBody = z.looseObject({
  payment: z.optional(z.unknown()),
  session_token: z.optional(z.unknown()),
});
export type ReceiveEtpayNotificationBody = z.output<typeof receiveEtpayNotificationBody>;

/** 200 `{ received: true }`, for a repeat too. */
export const receiveEtpayNotificationResponse = { status: 200, body: acknowledgement } as const;
export type ReceiveEtpayNotificationResult = RouteResult<typeof receiveEtpayNotificationResponse>;

// POST /v1/etpay/notifications: the request and the answer as the contract defines them.
import * as z from 'zod/mini';
import { acknowledgement, type RouteResult } from '../../http/response.ts';

/** The most payments one array delivery may name: ETpay's answer lists the sessions of one order. */
export const MAX_NOTIFIED_PAYMENTS = 20;

/**
 * One notification object. Loose on purpose: a field ETpay adds must not turn every notification into a 400
 * that it retries forever. The documented shape is `{payment: "<JWT>"}` (verified, signed); ETpay also says
 * its notification has the fields of its status answer (provider-docs/status-pulls.md), so a body without
 * the JWT that names a session we know is answered by pulling that session (TO BE CONFIRMED, README).
 */
const etpayNotification = z.looseObject({
  payment: z.optional(z.unknown()),
  session_token: z.optional(z.unknown()),
});
export type EtpayNotification = z.output<typeof etpayNotification>;

/**
 * From ETpay: one notification object, or (its status answer's format, which ETpay calls identical to the
 * webhook's) an array of 1 to MAX_NOTIFIED_PAYMENTS payment objects, each naming its `session_token`.
 * Nothing in an array is signed: it only says which sessions to pull. The catalog lets this route's JSON
 * body be an array (shared/http/body-guard.ts); the 16 KiB body limit applies as to every route.
 */
export const receiveEtpayNotificationBody = z.union([
  etpayNotification,
  z.array(etpayNotification).check(z.minLength(1), z.maxLength(MAX_NOTIFIED_PAYMENTS)),
]);
export type ReceiveEtpayNotificationBody = z.output<typeof receiveEtpayNotificationBody>;

/** 200 `{ received: true }`, for a repeat too. */
export const receiveEtpayNotificationResponse = { status: 200, body: acknowledgement } as const;
export type ReceiveEtpayNotificationResult = RouteResult<typeof receiveEtpayNotificationResponse>;

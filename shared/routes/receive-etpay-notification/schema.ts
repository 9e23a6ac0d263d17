// POST /v1/etpay/notifications: the request and the answer as the contract defines them.
import * as z from 'zod/mini';
import { paymentResultJwt } from '../../etpay/payment-result.ts';
import { acknowledgement, type RouteResult } from '../../http/response.ts';

/**
 * From ETpay. Loose on purpose: a field ETpay adds must not turn every notification into a 400 that it
 * retries forever; only `payment` is read, and it is signed.
 */
export const receiveEtpayNotificationBody = z.looseObject({ payment: paymentResultJwt });
export type ReceiveEtpayNotificationBody = z.output<typeof receiveEtpayNotificationBody>;

/** 200 `{ received: true }`, for a repeat too. */
export const receiveEtpayNotificationResponse = { status: 200, body: acknowledgement } as const;
export type ReceiveEtpayNotificationResult = RouteResult<typeof receiveEtpayNotificationResponse>;

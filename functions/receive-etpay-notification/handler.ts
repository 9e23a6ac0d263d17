// POST /v1/etpay/notifications — ETpay's signed payment notification (public: no clinic authorizer).
import { getSecret } from '#shared/config/secrets.ts';
import { jsonRoute } from '#shared/http/route.ts';
import { receiveEtpayNotification } from '#shared/routes/receive-etpay-notification/receive-etpay-notification.ts';
import { receiveEtpayNotificationBody, receiveEtpayNotificationResponse } from '#shared/routes/receive-etpay-notification/schema.ts';

export const handler = jsonRoute({
  name: 'receive-etpay-notification',
  body: receiveEtpayNotificationBody,
  response: receiveEtpayNotificationResponse,
  secrets: getSecret,
  handle: receiveEtpayNotification,
});

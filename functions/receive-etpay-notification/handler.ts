// POST /v1/etpay/notifications — ETpay's signed payment notification (public: no clinic authorizer).
import { receiveEtpayNotification } from '#shared/etpay/record-payment-result.ts';
import { etpayNotificationBody } from '#shared/routes/create-etpay-session/schema.ts';
import { jsonRoute } from '#shared/http/route.ts';

export const handler = jsonRoute({
  name: 'receive-etpay-notification',
  body: etpayNotificationBody,
  handle: receiveEtpayNotification,
});

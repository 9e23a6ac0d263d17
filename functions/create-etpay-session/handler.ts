// POST /v1/etpay/sessions — initialise an ETpay bank-transfer session.
import { createEtpaySession } from '#shared/etpay/create-etpay-session.ts';
import { createEtpaySessionBody } from '#shared/etpay/schema.ts';
import { jsonRoute } from '#shared/http/route.ts';

export const handler = jsonRoute({
  name: 'create-etpay-session',
  body: createEtpaySessionBody,
  handle: createEtpaySession,
});

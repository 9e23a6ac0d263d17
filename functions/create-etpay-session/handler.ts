// POST /v1/etpay/sessions — initialise an ETpay bank-transfer session.
import { createEtpaySession } from '#shared/routes/create-etpay-session/create-etpay-session.ts';
import { createEtpaySessionBody } from '#shared/routes/create-etpay-session/schema.ts';
import { jsonRoute } from '#shared/http/route.ts';

export const handler = jsonRoute({
  name: 'create-etpay-session',
  body: createEtpaySessionBody,
  handle: createEtpaySession,
});

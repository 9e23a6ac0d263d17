// POST /v1/etpay/sessions — initialise an ETpay bank-transfer session.
import { getSecret } from '#shared/config/secrets.ts';
import { jsonRoute } from '#shared/http/route.ts';
import { createEtpaySession } from '#shared/routes/create-etpay-session/create-etpay-session.ts';
import { createEtpaySessionBody, createEtpaySessionResponse } from '#shared/routes/create-etpay-session/schema.ts';

export const handler = jsonRoute({
  name: 'create-etpay-session',
  body: createEtpaySessionBody,
  response: createEtpaySessionResponse,
  secrets: getSecret,
  handle: createEtpaySession,
});

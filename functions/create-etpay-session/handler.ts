// POST /v1/etpay/sessions — initialise an ETpay bank-transfer session.
import { jsonRoute } from '#shared/http/route.ts';
import { createEtpaySession } from '#shared/routes/create-etpay-session/create-etpay-session.ts';
import { createEtpaySessionBody, createEtpaySessionResponse } from '#shared/routes/create-etpay-session/schema.ts';

export const handler = jsonRoute({
  name: 'create-etpay-session',
  body: createEtpaySessionBody,
  response: createEtpaySessionResponse,
  handle: createEtpaySession,
});

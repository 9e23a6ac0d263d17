// POST /v1/webhooks/skippay — SkipPay's signed webhook (public: no clinic authorizer), verified on the raw body.
import { getSecret } from '#shared/config/secrets.ts';
import { rawBodyRoute } from '#shared/http/route.ts';
import { receiveSkipPayWebhook } from '#shared/routes/receive-skippay-webhook/receive-skippay-webhook.ts';
import { receiveSkipPayWebhookHeaders, receiveSkipPayWebhookResponse } from '#shared/routes/receive-skippay-webhook/schema.ts';

export const handler = rawBodyRoute({
  name: 'receive-skippay-webhook',
  headers: receiveSkipPayWebhookHeaders,
  response: receiveSkipPayWebhookResponse,
  secrets: getSecret,
  handle: receiveSkipPayWebhook,
});

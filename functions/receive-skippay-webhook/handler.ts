// POST /v1/webhooks/skippay — SkipPay's signed webhook (public: no clinic authorizer), verified on the raw body.
import { rawBodyRoute } from '#shared/http/route.ts';
import { receiveSkipPayWebhook } from '#shared/routes/receive-skippay-webhook/receive-skippay-webhook.ts';
import { skipPayWebhookHeaders } from '#shared/routes/receive-skippay-webhook/skippay-signature.ts';

export const handler = rawBodyRoute({
  name: 'receive-skippay-webhook',
  headers: skipPayWebhookHeaders,
  handle: receiveSkipPayWebhook,
});

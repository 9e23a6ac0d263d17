// POST /v1/widget-sessions — mint a Spot widget token and the iframe URL.
import { getSecret } from '#shared/config/secrets.ts';
import { jsonRoute } from '#shared/http/route.ts';
import { createWidgetSession } from '#shared/routes/create-widget-session/create-widget-session.ts';
import { createWidgetSessionBody, createWidgetSessionResponse } from '#shared/routes/create-widget-session/schema.ts';

export const handler = jsonRoute({
  name: 'create-widget-session',
  body: createWidgetSessionBody,
  response: createWidgetSessionResponse,
  secrets: getSecret,
  handle: createWidgetSession,
});

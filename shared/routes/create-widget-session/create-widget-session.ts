// The widget route's one domain call: mint a Spot widget token and hand back a checked iframe URL.
import { getSecret } from '../../config/secrets.ts';
import type { JsonResult } from '../../http/response.ts';
import type { RouteContext } from '../../http/route.ts';
import { mintWidgetToken } from '../../providers/skip-spot.ts';
import { buildIframeUrl } from './iframe-url.ts';
import type { CreateWidgetSessionBody } from './schema.ts';

export const createWidgetSession = async (
  input: CreateWidgetSessionBody,
  ctx: RouteContext<'create-widget-session'>,
): Promise<JsonResult> => {
  const { STAGE, SKIP_BACKEND_URL, SPOT_WIDGET_URL, SKIP_SECRET_ID, UPSTREAM_TIMEOUT_MS } = ctx.settings;
  const skip = await getSecret('skip', SKIP_SECRET_ID, STAGE);
  const { patient, order_token: orderToken } = input;
  const session = await mintWidgetToken(
    {
      rut: patient.rut,
      user_data: { name: patient.first_name, surname: patient.last_name, email: patient.email, phone_number: patient.phone_number },
      order_token: orderToken,
    },
    { backendUrl: SKIP_BACKEND_URL, publicKey: skip.SKIP_PUBLIC_KEY, timeoutMs: UPSTREAM_TIMEOUT_MS, deadline: ctx.deadline },
    // Checked as part of the call: a URL outside the widget origin is the provider's bad answer.
    (minted) => ({
      widget_token: minted.widget_token,
      ...buildIframeUrl({
        widgetUrl: minted.url,
        widgetToken: minted.widget_token,
        publicKey: skip.SKIP_PUBLIC_KEY,
        orderToken,
        expectedWidgetUrl: SPOT_WIDGET_URL,
        stage: STAGE,
      }),
    }),
  );
  return {
    statusCode: 201,
    body: { widget_token: session.widget_token, iframe_url: session.iframeUrl, widget_origin: session.widgetOrigin },
  };
};

// The widget route's one domain call: mint a Spot widget token and hand back a checked iframe URL. An
// `order_token` must name one of the caller's own SkipPay orders (contract v1.1): another clinic's order
// answers exactly like an unknown one, and Skip is not called for either.
import { ApiError } from '../../errors.ts';
import type { RouteContext } from '../../http/route.ts';
import { mintWidgetToken } from '../../providers/skip-spot.ts';
import { getOrder, unknownOrder } from '../../state/orders.ts';
import { buildIframeUrl, widgetUrlProblem } from './iframe-url.ts';
import type { CreateWidgetSessionBody, CreateWidgetSessionResult } from './schema.ts';

export const createWidgetSession = async (
  input: CreateWidgetSessionBody,
  ctx: RouteContext<'create-widget-session'>,
): Promise<CreateWidgetSessionResult> => {
  const { STAGE, SKIP_BACKEND_URL, SPOT_WIDGET_URL, PAYMENTS_TABLE } = ctx.settings;
  const { patient, order_token: orderToken } = input;
  // Before the secret and before Skip: a token the caller does not own reaches neither.
  if (orderToken !== undefined && !(await getOrder(PAYMENTS_TABLE, ctx.caller, 'skippay', orderToken))) throw unknownOrder();
  const skip = await ctx.secret();
  const minted = await mintWidgetToken(
    {
      rut: patient.rut,
      user_data: { name: patient.first_name, surname: patient.last_name, email: patient.email, phone_number: patient.phone_number },
      order_token: orderToken,
    },
    { backendUrl: SKIP_BACKEND_URL, publicKey: skip.SKIP_PUBLIC_KEY, ...ctx.budget },
    (answer) => {
      const problem = widgetUrlProblem(answer.url, SPOT_WIDGET_URL, STAGE);
      if (problem) throw new ApiError('UPSTREAM_BAD_RESPONSE', { upstream: 'skip-backend', reason: problem });
    },
  );
  const { iframeUrl, widgetOrigin } = buildIframeUrl({
    widgetUrl: minted.url,
    widgetToken: minted.widget_token,
    publicKey: skip.SKIP_PUBLIC_KEY,
    orderToken,
  });
  return { statusCode: 201, body: { widget_token: minted.widget_token, iframe_url: iframeUrl, widget_origin: widgetOrigin } };
};

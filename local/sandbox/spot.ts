// Skip backend's Spot endpoint (widget token minting) and the Spot widget itself.
import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Exchange, SandboxState, SkipPayOrder, WebhookDelivery } from './http.ts';
import { deliverWebhook, e164ChileanPhone, randomId, readJsonBody, sendError, sendJson, skipRut, validRequest } from './http.ts';
import { answerFault, findFault } from './faults.ts';
import { renderWidgetError, renderWidgetPage } from './spot-page.ts';

const widgetRequest = z.object({
  rut: skipRut,
  user_data: z.object({
    name: z.string().trim().min(1).max(100),
    surname: z.string().trim().min(1).max(100),
    email: z.email(),
    phone_number: e164ChileanPhone,
  }),
  order_token: z.string().min(1).optional(),
});

const payRequest = z.object({ widget_token: z.string().min(1), order_token: z.string().min(1) });

/** This endpoint is authenticated by the public key alone; anything secret reaching it is a leak. */
function carriesSecret(ex: Exchange): boolean {
  return ex.req.headers.authorization !== undefined || /st_(test|live)_/.test(ex.url.search + ex.body);
}

export function handleSkipBackend(ex: Exchange): void {
  if (ex.path !== '/spot/widget') {
    sendError(ex.res, 404, 'not_found', 'No such Skip backend endpoint');
    return;
  }
  if (ex.req.method !== 'POST') {
    sendError(ex.res, 405, 'method_not_allowed', 'Use POST');
    return;
  }
  mintWidgetToken(ex);
}

function mintWidgetToken(ex: Exchange): void {
  if (carriesSecret(ex)) {
    sendError(ex.res, 400, 'secret_leak', 'This endpoint takes only the public key; a client secret must never be sent here');
    return;
  }
  const parsed = readJsonBody(ex);
  if (!parsed.ok) return;
  const fault = findFault(parsed.value);
  if (fault !== undefined) {
    answerFault(ex, fault, 201, { widget_token: randomUUID() });
    return;
  }
  const publicKeys = ex.url.searchParams.getAll('public_key');
  const publicKey = publicKeys[0];
  if (publicKeys.length !== 1 || publicKey === undefined || !/^pk_test_[\w-]+$/.test(publicKey)) {
    sendError(ex.res, 401, 'unauthorized', 'Missing or invalid public_key (this environment accepts pk_test_ only)');
    return;
  }
  const widget = validRequest(ex, widgetRequest, parsed.value, 'The widget request is not valid');
  if (widget === undefined) return;
  const widgetToken = randomUUID();
  const { rut, user_data, order_token } = widget;
  ex.state.widgets.set(widgetToken, { widgetToken, publicKey, orderToken: order_token, rut, userData: user_data });
  // Like Skip's own answer, the URL carries widget_token and public_key but not order_token: adding it is the integrator's job.
  const url = new URL(`${ex.state.spotWidgetUrl}/`);
  url.searchParams.set('widget_token', widgetToken);
  url.searchParams.set('public_key', publicKey);
  sendJson(ex.res, 201, { widget_token: widgetToken, url: url.href });
}

export async function handleSpotWidget(ex: Exchange): Promise<void> {
  if (ex.path === '/' && ex.req.method === 'GET') {
    serveWidget(ex);
  } else if (ex.path === '/_pay' && ex.req.method === 'POST') {
    await simulatePayment(ex);
  } else {
    sendError(ex.res, 404, 'not_found', 'No such Spot widget resource');
  }
}

function serveWidget(ex: Exchange): void {
  const params = ex.url.searchParams;
  const widget = ex.state.widgets.get(params.get('widget_token') ?? '');
  if (widget === undefined) {
    renderWidgetError(ex.res, 404, 'El enlace del widget no es válido o expiró (widget_token desconocido).');
    return;
  }
  if (params.getAll('public_key').length !== 1 || params.get('public_key') !== widget.publicKey) {
    renderWidgetError(ex.res, 401, 'Falta la public_key del widget o no corresponde: no la quites de la URL que entrega Skip.');
    return;
  }
  const orderTokens = params.getAll('order_token');
  const orderToken = orderTokens[0];
  if (orderTokens.length > 1) {
    renderWidgetError(ex.res, 400, 'La URL trae order_token más de una vez.');
    return;
  }
  if (orderToken !== undefined && widget.orderToken !== undefined && orderToken !== widget.orderToken) {
    renderWidgetError(ex.res, 400, 'El order_token de la URL no es el de la sesión del widget.');
    return;
  }
  const order = orderToken === undefined ? undefined : ex.state.orders.get(orderToken);
  renderWidgetPage(ex.res, {
    widgetToken: widget.widgetToken,
    orderToken,
    totalAmount: order === undefined ? undefined : Number(order.totalAmount),
    userData: widget.userData,
    payPath: `${new URL(ex.state.spotWidgetUrl).pathname}/_pay`,
  });
}

/** The widget's "payment" for an AAPD order: marks the order paid and notifies SkipPay's webhook. */
async function simulatePayment(ex: Exchange): Promise<void> {
  const parsed = readJsonBody(ex);
  if (!parsed.ok) return;
  const pay = validRequest(ex, payRequest, parsed.value, 'widget_token and order_token are required');
  if (pay === undefined) return;
  const { widget_token, order_token } = pay;
  const widget = ex.state.widgets.get(widget_token);
  if (widget === undefined || (widget.orderToken !== undefined && widget.orderToken !== order_token)) {
    sendError(ex.res, 404, 'not_found', 'Unknown widget session for this order');
    return;
  }
  const order = ex.state.orders.get(order_token);
  if (order?.status === 'paid') {
    sendError(ex.res, 409, 'already_paid', 'This order is already paid');
    return;
  }
  if (order !== undefined) order.status = 'paid';
  const delivery = await notifyOrderPaid(ex.state, order_token, order);
  sendJson(ex.res, 200, {
    status: 'paid',
    webhook: delivery === undefined ? null : { status: delivery.status ?? null, error: delivery.error ?? null },
  });
}

/** `X-Gokeipay-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, the scheme SkipPay signs with. */
export function signSkipPayWebhook(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

async function notifyOrderPaid(
  state: SandboxState,
  orderToken: string,
  order: SkipPayOrder | undefined,
): Promise<WebhookDelivery | undefined> {
  const config = state.skippayWebhook;
  if (config === undefined) return undefined;
  const data =
    order === undefined
      ? { hash: orderToken, status: 'paid' }
      : { hash: orderToken, status: 'paid', reference: order.reference, total_amount: order.totalAmount };
  const body = JSON.stringify({ id: `evt_${randomId()}`, type: 'order.paid', created_at: new Date().toISOString(), data });
  return deliverWebhook(state, 'skippay', config.url, body, { 'x-gokeipay-signature': signSkipPayWebhook(body, config.secret) });
}

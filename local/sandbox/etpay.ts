// ETpay stand-in: session initialisation (server to server) and the payer-facing payment page.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { EtpaySession, Exchange } from './http.ts';
import { deliverWebhook, etpayRut, randomId, readJsonBody, sameSecret, sendError, sendJson, validRequest } from './http.ts';
import { answerFault, findFault } from './faults.ts';
import { ETPAY_SANDBOX_MERCHANT_API_TOKEN, ETPAY_SANDBOX_MERCHANT_CODE } from './credentials.ts';
import { renderEtpayMessage, renderPaymentPage, termsPdf } from './etpay-page.ts';
import { checkPaymentStatus, recordEtpayPayment } from './etpay-status.ts';

/** The query parameter that carries the signed payment result on the return URLs. */
export const ETPAY_RESULT_QUERY_PARAM = 'jwt';
/** Lifetime of the payment-result JWT (its `exp`). */
export const ETPAY_RESULT_TTL_SECONDS = 15 * 60;
/** ETpay's documented codes plus `cl_mach`, which our contract offers: the stand-in plays the provider, not our schema. */
export const ETPAY_BANK_CODES = [
  'cl_estado', 'cl_santander', 'cl_bch', 'cl_bci', 'cl_falabella', 'cl_itau', 'cl_scotiabank', 'cl_mach',
] as const;

const absoluteUrl = z
  .string()
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'expected an absolute http(s) URL');

const initRequest = z.object({
  merchant_order_id: z.string().min(1),
  order_amount: z.number().int('order_amount must be an integer (CLP, no decimals)').positive(),
  customer_email: z.email().optional(),
  metadata: z.array(z.object({ name: z.string(), value: z.string(), show: z.boolean() })).optional(),
  user_bank_code: z.enum(ETPAY_BANK_CODES).optional(),
  user_rut: etpayRut.optional(),
  is_rut_block: z.boolean().optional(),
  payment_completed_url: absoluteUrl.optional(),
  payment_cancellation_url: absoluteUrl.optional(),
  payment_webhook_url: absoluteUrl.optional(),
});

export async function handleEtpay(ex: Exchange): Promise<void> {
  const method = ex.req.method;
  if (ex.path === '/merchant/check_payment_status') {
    if (method === 'POST') checkPaymentStatus(ex);
    else sendError(ex.res, 405, 'method_not_allowed', 'Use POST');
    return;
  }
  if (ex.path === '/session/initialize') {
    if (method === 'POST') initializeSession(ex);
    else sendError(ex.res, 405, 'method_not_allowed', 'Use POST');
    return;
  }
  if (ex.path === '/terminos.pdf' && method === 'GET') {
    const pdf = termsPdf();
    ex.res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(pdf.length) });
    ex.res.end(pdf);
    return;
  }
  const match = /^\/session\/([\w-]+)(?:\/(pay|cancel))?$/.exec(ex.path);
  const token = match?.[1];
  const action = match?.[2];
  if (token === undefined) {
    sendError(ex.res, 404, 'not_found', 'No such ETpay resource');
    return;
  }
  const session = ex.state.etpaySessions.get(token);
  if (session === undefined) {
    renderEtpayMessage(ex.res, 404, 'Sesión no encontrada', 'El enlace de pago no es válido o expiró.');
  } else if (action === undefined && method === 'GET') {
    renderPaymentPage(ex.res, session, `${new URL(ex.state.etpayPaymentUrl).pathname}/session/${token}`);
  } else if (action !== undefined && method === 'POST') {
    await finishPayment(ex, session, action === 'pay' ? 'success' : 'cancelled');
  } else {
    sendError(ex.res, 405, 'method_not_allowed', 'Method not allowed');
  }
}

function initializeSession(ex: Exchange): void {
  const parsed = readJsonBody(ex);
  if (!parsed.ok) return;
  const fault = findFault(parsed.value);
  if (fault !== undefined) {
    answerFault(ex, fault, 200, { terms_url: `${ex.state.origin}/etpay/terminos.pdf` });
    return;
  }
  const credentials = typeof parsed.value === 'object' && parsed.value !== null ? (parsed.value as Record<string, unknown>) : {};
  if (
    !sameSecret(credentials.merchant_code, ETPAY_SANDBOX_MERCHANT_CODE) ||
    !sameSecret(credentials.merchant_api_token, ETPAY_SANDBOX_MERCHANT_API_TOKEN)
  ) {
    sendError(ex.res, 401, 'unauthorized', 'Invalid merchant_code or merchant_api_token');
    return;
  }
  const body = validRequest(ex, initRequest, parsed.value, 'The session request is not valid');
  if (body === undefined) return;
  const session: EtpaySession = {
    token: randomId(24),
    signatureToken: randomBytes(32).toString('hex'),
    merchantOrderId: body.merchant_order_id,
    orderAmount: body.order_amount,
    customerEmail: body.customer_email,
    metadata: body.metadata ?? [],
    userBankCode: body.user_bank_code,
    userRut: body.user_rut,
    paymentCompletedUrl: body.payment_completed_url,
    paymentCancellationUrl: body.payment_cancellation_url,
    paymentWebhookUrl: body.payment_webhook_url,
    state: 'open',
  };
  ex.state.etpaySessions.set(session.token, session);
  sendJson(ex.res, 200, {
    token: session.token,
    signature_token: session.signatureToken,
    terms_url: `${ex.state.origin}/etpay/terminos.pdf`,
  });
}

/** HS256 with the UTF-8 bytes of the session's signature_token (the hex string as given, not decoded). */
async function signPaymentResult(session: EtpaySession, status: 'success' | 'cancelled'): Promise<string> {
  return new SignJWT({
    session_token: session.token,
    merchant_order_id: session.merchantOrderId,
    order_amount: session.orderAmount,
    payment_status: status,
    // The payment the status pull reports carries the same token (recorded before signing).
    payment_token: session.payment?.paymentToken ?? randomId(16),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(`${ETPAY_RESULT_TTL_SECONDS}s`)
    .sign(new TextEncoder().encode(session.signatureToken));
}

async function finishPayment(ex: Exchange, session: EtpaySession, status: 'success' | 'cancelled'): Promise<void> {
  if (session.state !== 'open') {
    renderEtpayMessage(ex.res, 409, 'Sesión finalizada', 'Este pago ya fue procesado.');
    return;
  }
  recordEtpayPayment(session, status === 'success' ? 'paid' : 'failed');
  const jwt = await signPaymentResult(session, status);
  // Notify before redirecting, as a real gateway would: the backend may learn the result from either.
  if (session.paymentWebhookUrl !== undefined) {
    await deliverWebhook(ex.state, 'etpay', session.paymentWebhookUrl, JSON.stringify({ payment: jwt }));
  }
  const returnUrl = status === 'success' ? session.paymentCompletedUrl : session.paymentCancellationUrl;
  if (returnUrl === undefined) {
    const title = status === 'success' ? 'Pago realizado' : 'Pago cancelado';
    renderEtpayMessage(ex.res, 200, title, 'El comercio no indicó una página de regreso.', jwt);
    return;
  }
  const location = new URL(returnUrl);
  location.searchParams.set(ETPAY_RESULT_QUERY_PARAM, jwt);
  ex.res.writeHead(303, { location: location.href, 'cache-control': 'no-store' });
  ex.res.end();
}

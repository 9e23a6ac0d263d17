// Sandbox controls: settle a payment at the provider WITHOUT notifying the backend (no webhook, no
// payment_webhook_url call, no return redirect), or arm a fault on one payment's status pulls, so tests and
// the demo can exercise the pull path end to end. Not a provider API: `/_control/…` on the sandbox origin,
// and `sandbox.control` in process.
import { z } from 'zod';
import type { Exchange, SandboxState } from './http.ts';
import { issuesOf, sendError, sendJson } from './http.ts';
import { FAULT_VALUES, type FaultValue } from './faults.ts';
import { recordEtpayPayment } from './etpay-status.ts';

/** A payment at a provider: an ETpay session, or a SkipPay order. */
export type SandboxPaymentRef = { provider: 'etpay'; session_token: string } | { provider: 'skippay'; order_token: string };

export type SandboxControlResult =
  | { ok: true; provider: 'etpay' | 'skippay'; id: string; status: string; amount: number; notified: false }
  | { ok: false; status: 404 | 409; error: string; message: string };

export interface SandboxControl {
  /**
   * Settles the payment at the provider, silently: `paid` (at `amount`, by default the payment's own) or
   * `failed`. Its status pull reports it from then on; nothing is sent to the backend. Once only (409).
   */
  settle(ref: SandboxPaymentRef, outcome: 'paid' | 'failed', options?: { amount?: number }): SandboxControlResult;
  /** Every status pull about this payment answers `fault` (until set to undefined). */
  setPullFault(ref: SandboxPaymentRef, fault: FaultValue | undefined): SandboxControlResult;
}

const notFound = (ref: SandboxPaymentRef): SandboxControlResult => ({
  ok: false,
  status: 404,
  error: 'not_found',
  message: ref.provider === 'etpay' ? 'No such ETpay session in this sandbox' : 'No such SkipPay order in this sandbox',
});
const alreadyFinal: SandboxControlResult = { ok: false, status: 409, error: 'already_final', message: 'This payment already has a final result' };

export function sandboxControl(state: SandboxState): SandboxControl {
  const describe = (ref: SandboxPaymentRef): SandboxControlResult | undefined => {
    if (ref.provider === 'etpay') {
      const session = state.etpaySessions.get(ref.session_token);
      if (session === undefined) return undefined;
      const status = session.payment?.status ?? 'none';
      return { ok: true, provider: 'etpay', id: session.token, status, amount: session.payment?.amount ?? session.orderAmount, notified: false };
    }
    const order = state.orders.get(ref.order_token);
    if (order === undefined) return undefined;
    return { ok: true, provider: 'skippay', id: order.hash, status: order.status, amount: Number(order.paidAmount ?? order.totalAmount), notified: false };
  };

  return {
    settle(ref, outcome, options = {}) {
      if (ref.provider === 'etpay') {
        const session = state.etpaySessions.get(ref.session_token);
        if (session === undefined) return notFound(ref);
        if (session.state !== 'open') return alreadyFinal;
        recordEtpayPayment(session, outcome, options.amount);
      } else {
        const order = state.orders.get(ref.order_token);
        if (order === undefined) return notFound(ref);
        if (order.status !== 'pending') return alreadyFinal;
        order.status = outcome === 'paid' ? 'paid' : 'cancelled';
        if (options.amount !== undefined) order.paidAmount = String(options.amount);
      }
      return describe(ref) ?? notFound(ref);
    },
    setPullFault(ref, fault) {
      const target = ref.provider === 'etpay' ? state.etpaySessions.get(ref.session_token) : state.orders.get(ref.order_token);
      if (target === undefined) return notFound(ref);
      if (fault === undefined) delete target.pullFault;
      else target.pullFault = fault;
      return describe(ref) ?? notFound(ref);
    },
  };
}

const settleBody = z.strictObject({ amount: z.number().int().positive().optional() });
const faultBody = z.strictObject({ fault: z.enum(FAULT_VALUES as [FaultValue, ...FaultValue[]]).nullable() });

/** `{prefix}/{etpay/sessions|skippay/orders}/{id}/{paid|failed|pull-fault}`, POST, JSON body optional. */
const CONTROL_PATH = /^\/(etpay\/sessions|skippay\/orders)\/([\w-]{1,256})\/(paid|failed|pull-fault)$/;

/** Parses a control path (relative to its prefix); undefined when it is not one. */
function controlRequest(path: string): { ref: SandboxPaymentRef; action: 'paid' | 'failed' | 'pull-fault' } | undefined {
  const match = CONTROL_PATH.exec(path);
  if (match === null) return undefined;
  const [, kind, id = '', action] = match;
  const ref: SandboxPaymentRef = kind === 'etpay/sessions' ? { provider: 'etpay', session_token: id } : { provider: 'skippay', order_token: id };
  return { ref, action: action as 'paid' | 'failed' | 'pull-fault' };
}

/** Runs a control on a raw JSON body (empty is `{}`): the HTTP answer, for the sandbox and the local server. */
export function runControl(control: SandboxControl, path: string, rawBody: string): { status: number; body: unknown } {
  const request = controlRequest(path);
  if (request === undefined) return { status: 404, body: { error: 'not_found', message: 'No such sandbox control' } };
  let json: unknown;
  try {
    json = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
  } catch {
    return { status: 400, body: { error: 'invalid_json', message: 'The body is not valid JSON' } };
  }
  const parsed = (request.action === 'pull-fault' ? faultBody : settleBody).safeParse(json);
  if (!parsed.success) return { status: 400, body: { error: 'invalid_request', message: 'Bad control body', details: issuesOf(parsed.error) } };
  const data = parsed.data as { amount?: number; fault?: FaultValue | null };
  const result =
    request.action === 'pull-fault'
      ? control.setPullFault(request.ref, data.fault ?? undefined)
      : control.settle(request.ref, request.action, data.amount === undefined ? {} : { amount: data.amount });
  if (!result.ok) return { status: result.status, body: { error: result.error, message: result.message } };
  const { ok: _ok, ...payment } = result;
  return { status: 200, body: payment };
}

/** The sandbox's own HTTP face for the controls: `POST {origin}/_control/…`. */
export function handleControl(ex: Exchange, control: SandboxControl): void {
  if (ex.req.method !== 'POST') {
    sendError(ex.res, 405, 'method_not_allowed', 'Use POST');
    return;
  }
  const answer = runControl(control, ex.path, ex.body);
  sendJson(ex.res, answer.status, answer.body);
}

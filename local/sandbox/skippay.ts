// SkipPay stand-in: AAPD order creation, as `POST https://staging.pay.getskip.ai/orders` behaves, and the
// order read `GET /orders/{hash}` (the status pull).
import { z } from 'zod';
import type { Exchange } from './http.ts';
import { e164ChileanPhone, randomId, readJsonBody, sendError, sendJson, skipRut, validRequest } from './http.ts';
import { answerFault, findFault } from './faults.ts';

const orderRequest = z.object({
  reference: z.string().min(1).max(64),
  total_amount: z.string().regex(/^[1-9]\d*$/, 'expected a string of digits, e.g. "50000"'),
  customer: z.object({
    rut: skipRut,
    first_name: z.string().trim().min(1).max(100),
    last_name: z.string().trim().min(1).max(100),
    email: z.email(),
    phone_number: e164ChileanPhone,
  }),
  provider_rut: skipRut.optional(),
});

/** The sandbox is a staging-like environment: only test secrets get in, a live one is a leak. */
function hasTestSecret(authorization: string | undefined): boolean {
  return /^Bearer st_test_[\w-]+$/.test(authorization ?? '');
}

export function handleSkipPay(ex: Exchange): void {
  const read = /^\/orders\/([^/]+)$/.exec(ex.path);
  if (read?.[1] !== undefined) {
    if (ex.req.method === 'GET') readOrder(ex, read[1]);
    else sendError(ex.res, 405, 'method_not_allowed', 'Use GET');
    return;
  }
  if (ex.path !== '/orders') {
    sendError(ex.res, 404, 'not_found', 'No such SkipPay endpoint');
    return;
  }
  if (ex.req.method !== 'POST') {
    sendError(ex.res, 405, 'method_not_allowed', 'Use POST');
    return;
  }
  createOrder(ex);
}

/**
 * The order as SkipPay's read answers it. A GET has no body: a fault value is the hash itself
 * (`/orders/FAULT-503`), or one the control armed on a real order. The credential is the client secret
 * (TO BE CONFIRMED with Skip, as in the backend).
 */
function readOrder(ex: Exchange, hash: string): void {
  const order = ex.state.orders.get(hash);
  const fault = findFault(hash) ?? order?.pullFault;
  if (fault !== undefined) {
    answerFault(ex, fault, 200, { hash });
    return;
  }
  if (!hasTestSecret(ex.req.headers.authorization)) {
    sendError(ex.res, 401, 'unauthorized', 'Missing or invalid client secret (this environment accepts st_test_ only)');
    return;
  }
  if (order === undefined) {
    sendError(ex.res, 404, 'not_found', 'No such order');
    return;
  }
  sendJson(ex.res, 200, { hash, reference: order.reference, status: order.status, total_amount: order.paidAmount ?? order.totalAmount });
}

function createOrder(ex: Exchange): void {
  const parsed = readJsonBody(ex);
  if (!parsed.ok) return;
  // Faults first: they stand for the provider failing, whatever the request looked like.
  const fault = findFault(parsed.value);
  if (fault !== undefined) {
    answerFault(ex, fault, 201, { status: 'pending' });
    return;
  }
  if (!hasTestSecret(ex.req.headers.authorization)) {
    sendError(ex.res, 401, 'unauthorized', 'Missing or invalid client secret (this environment accepts st_test_ only)');
    return;
  }
  const order = validRequest(ex, orderRequest, parsed.value, 'The order is not valid');
  if (order === undefined) return;
  const hash = `ord_${randomId()}`;
  const { reference, total_amount } = order;
  ex.state.orders.set(hash, { hash, reference, totalAmount: total_amount, status: 'pending' });
  sendJson(ex.res, 201, { hash, reference, status: 'pending', total_amount });
}

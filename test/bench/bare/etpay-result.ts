// Bare ETpay payment result, for POST /v1/etpay/confirmations and /v1/etpay/notifications: the same
// verification as shared/etpay/payment-result.ts, with the same library (jose): the unverified
// session_token only picks the session, the JWT is verified with its signature_token (HS256 only, 30 s
// clock tolerance), the claims must agree with the session. Then the same records as
// record-payment-result.ts: the payment once per payment_token, and the order's state.
import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { TOKEN } from './common.ts';
import { getLive, nowSeconds, RECORD_SECONDS, recordOnce, recordPaymentState } from './payment-state.ts';

const OPAQUE_ID = /^[\x21-\x7E]{1,256}$/;
const CLOCK_TOLERANCE_SECONDS = 30;

export interface Session {
  token: string;
  signatureToken: string;
  merchantOrderId: string;
  orderAmount: number;
}

export interface PaymentResult {
  session: Session;
  status: string;
  paymentToken: string | undefined;
  paid: boolean;
}

/** The live session with that token; a stored item without its fields is our fault (an Error: 500). */
const findSession = async (token: string): Promise<Session | undefined> => {
  const item = await getLive(`etpay-session#${token}`);
  if (!item) return undefined;
  const stored = {
    token: item.token?.S,
    signatureToken: item.signature_token?.S,
    merchantOrderId: item.merchant_order_id?.S,
    orderAmount: item.order_amount?.N === undefined ? undefined : Number(item.order_amount.N),
  };
  if (stored.token === undefined || !stored.signatureToken || stored.merchantOrderId === undefined || stored.orderAmount === undefined || item.created_at?.S === undefined) {
    throw new Error('state: malformed etpay-session item');
  }
  return stored as Session;
};

/** The verified result, or undefined (401 INVALID_SIGNATURE) whatever is wrong with it. */
export const verifyPaymentResult = async (jwt: string, requirePaymentToken: boolean): Promise<PaymentResult | undefined> => {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(jwt);
  } catch {
    return undefined;
  }
  if (typeof unverified.session_token !== 'string' || !TOKEN.test(unverified.session_token)) return undefined;
  const session = await findSession(unverified.session_token);
  if (!session) return undefined;

  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(jwt, new TextEncoder().encode(session.signatureToken), {
      algorithms: ['HS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch {
    return undefined;
  }
  const { session_token: sessionToken, payment_status: status, payment_token: paymentToken, merchant_order_id: orderId, order_amount: amount } = claims;
  if (
    typeof sessionToken !== 'string' || !TOKEN.test(sessionToken) ||
    typeof status !== 'string' || status.length < 1 || status.length > 64 ||
    (paymentToken !== undefined && (typeof paymentToken !== 'string' || !OPAQUE_ID.test(paymentToken))) ||
    (orderId !== undefined && typeof orderId !== 'string') ||
    (amount !== undefined && typeof amount !== 'number') ||
    (requirePaymentToken && paymentToken === undefined) ||
    // Signed by the right key but about another session, order or amount: not this session's result.
    sessionToken !== session.token ||
    (orderId !== undefined && orderId !== session.merchantOrderId) ||
    (amount !== undefined && amount !== session.orderAmount)
  ) {
    return undefined;
  }
  return { session, status, paymentToken, paid: status === 'success' };
};

/** The payment recorded once per payment_token (its first record moves the order's state), or the state alone without one. */
export const recordPaymentResult = async (result: PaymentResult, source: 'confirmation' | 'notification'): Promise<void> => {
  const { session, status, paymentToken, paid } = result;
  const updateOrder = () => recordPaymentState('etpay', session.merchantOrderId, status, paid);
  if (paymentToken === undefined) return updateOrder();
  await recordOnce(
    {
      id: { S: `etpay-payment#${paymentToken}` },
      payment_token: { S: paymentToken },
      session_token: { S: session.token },
      merchant_order_id: { S: session.merchantOrderId },
      order_amount: { N: String(session.orderAmount) },
      payment_status: { S: status },
      paid: { BOOL: paid },
      source: { S: source },
      received_at: { S: new Date().toISOString() },
      expiration: { N: String(nowSeconds() + RECORD_SECONDS) },
    },
    updateOrder,
  );
};

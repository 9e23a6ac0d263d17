// Bare ETpay payment result, for POST /v1/etpay/confirmations and /v1/etpay/notifications: the same
// verification as shared/etpay/payment-result.ts, with the same library (jose): the unverified
// session_token only picks the session, the JWT is verified with its signature_token (HS256 only, 30 s
// clock tolerance, exp required, at most 1 h), the claims must agree with the session. Then the same records
// as record-payment-result.ts: the result once, and its attempt and order (payment-state.ts).
import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { TOKEN } from './common.ts';
import { getLive, nowSeconds, RECORD_SECONDS, recordAttemptResult, recordOnce, type Item } from './payment-state.ts';

const OPAQUE_ID = /^[\x21-\x7E]{1,256}$/;
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_LIFETIME_SECONDS = 60 * 60;
const FAILURES = new Set(['error', 'failed', 'cancelled', 'canceled', 'rejected', 'expired']);

export interface Session {
  token: string;
  signatureToken: string;
  merchantOrderId: string;
  orderAmount: number;
  owner: string;
  /** The attempt item as read, rewritten by recordAttemptResult. */
  item: Item;
}

export interface PaymentResult {
  session: Session;
  status: string;
  paymentToken: string | undefined;
  /** The amount the signed result says moved. */
  amount: number;
}

/** The live session (attempt) with that token; a stored item without its fields is our fault (an Error: 500). */
const findSession = async (token: string): Promise<Session | undefined> => {
  const item = await getLive(`attempt#etpay#${token}`);
  if (!item) return undefined;
  const stored = {
    token: item.provider_id?.S,
    signatureToken: item.signature_token?.S,
    merchantOrderId: item.order_id?.S,
    orderAmount: item.amount?.N === undefined ? undefined : Number(item.amount.N),
    owner: item.owner?.S,
    item,
  };
  if (stored.token === undefined || !stored.signatureToken || stored.merchantOrderId === undefined || stored.orderAmount === undefined || stored.owner === undefined || item.order?.S === undefined) {
    throw new Error('state: malformed attempt item');
  }
  return stored as Session;
};

/** The verified result, 'not-found' for another owner's session, or undefined (401 INVALID_SIGNATURE). */
export const verifyPaymentResult = async (jwt: string, requirePaymentToken: boolean, owner?: string): Promise<PaymentResult | 'not-found' | undefined> => {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(jwt);
  } catch {
    return undefined;
  }
  if (typeof unverified.session_token !== 'string' || !TOKEN.test(unverified.session_token)) return undefined;
  const session = await findSession(unverified.session_token);
  if (!session) return undefined;
  if (owner !== undefined && session.owner !== owner) return 'not-found';

  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(jwt, new TextEncoder().encode(session.signatureToken), {
      algorithms: ['HS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp'],
    }));
  } catch {
    return undefined;
  }
  const { session_token: sessionToken, payment_status: status, payment_token: paymentToken, merchant_order_id: orderId, exp, iat } = claims;
  const amount = claims.order_amount ?? claims.merchant_amount;
  const now = Math.floor(Date.now() / 1000);
  if (
    typeof sessionToken !== 'string' || !TOKEN.test(sessionToken) ||
    typeof status !== 'string' || status.length < 1 || status.length > 64 ||
    (paymentToken !== undefined && (typeof paymentToken !== 'string' || !OPAQUE_ID.test(paymentToken))) ||
    typeof orderId !== 'string' || typeof amount !== 'number' || typeof exp !== 'number' ||
    (iat !== undefined && iat > now + CLOCK_TOLERANCE_SECONDS) || exp - (iat ?? now) > MAX_LIFETIME_SECONDS ||
    (requirePaymentToken && paymentToken === undefined) ||
    // Signed by the right key but about another session or order: not this session's result.
    sessionToken !== session.token || orderId !== session.merchantOrderId
  ) {
    return undefined;
  }
  return { session, status, paymentToken, amount };
};

/** The result recorded once (per payment_token, or per status without one); its first record moves the attempt and order. */
export const recordPaymentResult = async (result: PaymentResult, source: 'confirmation' | 'notification'): Promise<void> => {
  const { session, status, paymentToken, amount } = result;
  const outcome = status === 'success' ? 'success' : FAILURES.has(status) ? 'failure' : 'pending';
  await recordOnce(
    {
      id: { S: paymentToken === undefined ? `etpay-confirmation#${session.token}#${status}` : `etpay-payment#${session.token}#${paymentToken}` },
      ...(paymentToken === undefined ? {} : { payment_token: { S: paymentToken } }),
      session_token: { S: session.token },
      merchant_order_id: { S: session.merchantOrderId },
      amount: { N: String(amount) },
      payment_status: { S: status },
      source: { S: source },
      received_at: { S: new Date().toISOString() },
      expiration: { N: String(nowSeconds() + RECORD_SECONDS) },
    },
    () => recordAttemptResult(session.item, outcome, status, amount),
  );
};

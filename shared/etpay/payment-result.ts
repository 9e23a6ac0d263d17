// ETpay's signed payment result (the JWT the payer's browser brings back, or the one ETpay notifies),
// verified with the signature_token of the session it names. HS256 only: `none`, other HMACs and
// asymmetric algorithms are refused whatever the header says. `exp` is required and the token may live an
// hour at most; the order id and amount claims are required (the amount is what moved: it may differ from
// the session's, which the state records as needs_review rather than paid).
import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import * as z from 'zod/mini';
import { ApiError } from '../errors.ts';
import { providerTokenSchema } from '../domain/provider-token.ts';
import { findAttempt, type AttemptRecord } from '../state/orders.ts';

/** ETpay's payment-result JWT, as the browser or ETpay hands it over; its claims are checked after the signature. */
export const paymentResultJwt = z.string().check(z.minLength(1), z.maxLength(8192));

/** Servers' clocks drift a little; `exp` is honoured with this much slack. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** The longest a result JWT may be valid for: `exp` at most this long after `iat` (or after now). */
const MAX_LIFETIME_SECONDS = 60 * 60;
/** An opaque provider id used in an item key: printable ASCII, no spaces. */
const OPAQUE_ID = z.string().check(z.regex(/^[\x21-\x7E]{1,256}$/, 'must be 1-256 printable characters'));

const resultClaims = z.object({
  session_token: providerTokenSchema,
  payment_status: z.string().check(z.minLength(1), z.maxLength(64)),
  payment_token: z.optional(OPAQUE_ID),
  merchant_order_id: z.string(),
  // ETpay's notification format names it merchant_amount (provider-docs/status-pulls.md); either is accepted.
  order_amount: z.optional(z.number()),
  merchant_amount: z.optional(z.number()),
  exp: z.number(),
  iat: z.optional(z.number()),
});

export interface VerifiedPaymentResult {
  /** The ETpay session (attempt) the result names. */
  session: AttemptRecord & { signature_token: string };
  payment_status: string;
  payment_token: string | undefined;
  /** The amount the signed result says moved. */
  amount: number;
}

const invalid = (reason: string): ApiError => new ApiError('INVALID_SIGNATURE', { reason: `etpay result: ${reason}` });

const unverifiedSessionToken = (jwt: string): string => {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(jwt);
  } catch {
    throw invalid('not a JWT');
  }
  const token = providerTokenSchema.safeParse(claims.session_token);
  if (!token.success) throw invalid('no usable session_token claim');
  return token.data;
};

/** The verified result, or 401 INVALID_SIGNATURE whatever is wrong with it. */
export const verifyPaymentResult = async (
  jwt: string,
  table: string,
  options: { requirePaymentToken?: boolean; owner?: string } = {},
): Promise<VerifiedPaymentResult> => {
  // Unverified claims only choose the key; nothing else is read before the signature holds.
  const attempt = await findAttempt(table, 'etpay', unverifiedSessionToken(jwt));
  if (!attempt?.signature_token) throw invalid('unknown or expired session');
  // Another clinic's session reads like an unknown order: nothing is verified, nothing recorded.
  if (options.owner !== undefined && attempt.owner !== options.owner) {
    throw new ApiError('NOT_FOUND', { reason: 'etpay result: session of another owner' });
  }
  const session = { ...attempt, signature_token: attempt.signature_token };

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jwt, new TextEncoder().encode(session.signature_token), {
      algorithms: ['HS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    throw invalid(`does not verify (${error instanceof errors.JOSEError ? error.code : 'unknown'})`);
  }

  const parsed = resultClaims.safeParse(payload);
  if (!parsed.success) {
    throw invalid(`missing or malformed claims: ${[...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ')}`);
  }
  const claims = parsed.data;
  if (options.requirePaymentToken && claims.payment_token === undefined) throw invalid('missing or malformed claims: payment_token');
  const amount = claims.order_amount ?? claims.merchant_amount;
  if (amount === undefined) throw invalid('missing or malformed claims: order_amount');
  const now = Math.floor(Date.now() / 1000);
  if (claims.iat !== undefined && claims.iat > now + CLOCK_TOLERANCE_SECONDS) throw invalid('iat is in the future');
  if (claims.exp - (claims.iat ?? now) > MAX_LIFETIME_SECONDS) throw invalid('lifetime over 1 hour');
  // Signed by the right key but about another session or order: not this session's result.
  if (claims.session_token !== session.provider_id) throw invalid('session_token differs from the session');
  if (claims.merchant_order_id !== session.order_id) throw invalid('merchant_order_id differs from the session');
  return { session, payment_status: claims.payment_status, payment_token: claims.payment_token, amount };
};

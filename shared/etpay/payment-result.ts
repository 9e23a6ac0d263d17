// ETpay's signed payment result (the JWT the payer's browser brings back, or the one ETpay notifies),
// verified with the signature_token of the session it names. HS256 only: `none`, other HMACs and
// asymmetric algorithms are refused whatever the header says.
import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import * as z from 'zod/mini';
import { ApiError } from '../errors.ts';
import { providerTokenSchema } from '../domain/provider-token.ts';
import { findEtpaySession, type EtpaySessionRecord } from './session-store.ts';

/** ETpay's payment-result JWT, as the browser or ETpay hands it over; its claims are checked after the signature. */
export const paymentResultJwt = z.string().check(z.minLength(1), z.maxLength(8192));

/** Servers' clocks drift a little; `exp` is honoured with this much slack. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** An opaque provider id used in an item key: printable ASCII, no spaces. */
const OPAQUE_ID = z.string().check(z.regex(/^[\x21-\x7E]{1,256}$/, 'must be 1-256 printable characters'));

const resultClaims = z.object({
  session_token: providerTokenSchema,
  payment_status: z.string().check(z.minLength(1), z.maxLength(64)),
  payment_token: z.optional(OPAQUE_ID),
  merchant_order_id: z.optional(z.string()),
  order_amount: z.optional(z.number()),
});

export interface VerifiedPaymentResult {
  session: EtpaySessionRecord;
  payment_status: string;
  payment_token: string | undefined;
  /** Only `success` is a payment. */
  paid: boolean;
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
  options: { requirePaymentToken?: boolean } = {},
): Promise<VerifiedPaymentResult> => {
  // Unverified claims only choose the key; nothing else is read before the signature holds.
  const session = await findEtpaySession(table, unverifiedSessionToken(jwt));
  if (!session) throw invalid('unknown or expired session');

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jwt, new TextEncoder().encode(session.signature_token), {
      algorithms: ['HS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
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
  // Signed by the right key but about another order or amount: not this session's result.
  if (claims.session_token !== session.token) throw invalid('session_token differs from the session');
  if (claims.merchant_order_id !== undefined && claims.merchant_order_id !== session.merchant_order_id) {
    throw invalid('merchant_order_id differs from the session');
  }
  if (claims.order_amount !== undefined && claims.order_amount !== session.order_amount) {
    throw invalid('order_amount differs from the session');
  }
  return {
    session,
    payment_status: claims.payment_status,
    payment_token: claims.payment_token,
    paid: claims.payment_status === 'success',
  };
};

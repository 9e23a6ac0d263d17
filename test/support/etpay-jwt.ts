// ETpay payment-result JWTs as tests need them: genuine (HS256 keyed with the UTF-8 bytes of the session's
// signature_token, as ETpay and the local sandbox sign), and every way one can be forged.
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export type ResultClaims = JWTPayload & {
  session_token?: unknown;
  merchant_order_id?: unknown;
  order_amount?: unknown;
  payment_status?: unknown;
  payment_token?: unknown;
};

const key = (signatureToken: string): Uint8Array => new TextEncoder().encode(signatureToken);
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signed like ETpay: HS256 (or another HMAC, to be refused), `iat` set, `exp` 15 minutes on unless given. */
export const signResult = (claims: ResultClaims, signatureToken: string, alg: 'HS256' | 'HS384' | 'HS512' = 'HS256'): Promise<string> => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' });
  if (claims.iat === undefined) jwt.setIssuedAt();
  if (claims.exp === undefined) jwt.setExpirationTime('15m');
  return jwt.sign(key(signatureToken));
};

/** `alg: none`, with an empty signature. */
export const unsignedResult = (claims: ResultClaims): string => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;

/** A genuine RS256 signature by some key pair: the algorithm itself must be refused. */
export const rs256Result = async (claims: ResultClaims): Promise<string> => {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuedAt().setExpirationTime('15m').sign(privateKey);
};

/** The same header and signature around another payload. */
export const withPayload = (jwt: string, claims: ResultClaims): string => {
  const [header = '', , signature = ''] = jwt.split('.');
  return `${header}.${base64url(claims)}.${signature}`;
};

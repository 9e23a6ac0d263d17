// The local stage's issuer and authorizer, so that `npm start` authenticates exactly like a stage:
// - an OAuth 2.0 token endpoint (client-credentials grant; `client_id`/`client_secret` in a form body or
//   HTTP Basic) for two fixed demo clinics, issuing RS256 access tokens shaped like Cognito's;
// - its JWKS;
// - the check API Gateway's JWT authorizer makes before any function runs: signature, issuer, expiry, and
//   the route's scope (401 UNAUTHORIZED, 403 FORBIDDEN), handing the function the verified claims the
//   way HTTP API does (requestContext.authorizer.jwt). jose does the JWT work: no hand-written JWT code.
import { timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { CLINIC_SCOPES, RESOURCE_SERVER } from '#shared/catalog.ts';
import { ApiError } from '#shared/errors.ts';

const ALL_SCOPES = [`${RESOURCE_SERVER}/${CLINIC_SCOPES.write}`, `${RESOURCE_SERVER}/${CLINIC_SCOPES.read}`] as const;

/** The demo clinics (contract v1.1): fixed, loopback only, named in the banner. */
export const DEMO_CLINICS = [
  { clientId: 'clinica-demo-a', clientSecret: 'local-secret-a', scopes: ALL_SCOPES },
  { clientId: 'clinica-demo-b', clientSecret: 'local-secret-b', scopes: ALL_SCOPES },
] as const;

/** Cognito's default access-token lifetime. */
const TOKEN_LIFETIME_SECONDS = 3600;
const KEY_ID = 'local-1';

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface VerifiedCaller {
  /** Claims as HTTP API hands them to a function (values as strings). */
  claims: Record<string, string>;
  scopes: string[];
}

export interface LocalIssuer {
  /** The `iss` of every token: the local API's origin, as a user pool's issuer is its URL. */
  issuer: string;
  jwks: { keys: JWK[] };
  /** POST /oauth2/token with the request's headers and raw body. */
  token(headers: Record<string, string>, body: Buffer): Promise<TokenAnswer>;
  /** A token for a demo clinic, as its server would get one (the demo clinic-server path uses it). */
  issue(clientId: string, clientSecret: string, scope?: string): Promise<TokenAnswer>;
  /** The authorizer: the verified caller, or an ApiError (UNAUTHORIZED, FORBIDDEN). */
  authorize(authorization: string | undefined, requiredScope: string): Promise<VerifiedCaller>;
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const oauthError = (status: number, error: string, description: string): TokenAnswer => ({
  status,
  body: { error, error_description: description },
});

/** `client_id`/`client_secret` from HTTP Basic (RFC 6749 §2.3.1: form-encoded inside) or the form body. */
const clientCredentials = (headers: Record<string, string>, form: URLSearchParams): { id?: string; secret?: string } => {
  const basic = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      const decode = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
      return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
    }
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
};

/** HTTP API passes claims to the function as strings; arrays become `[a b]`. */
const asHttpApiClaims = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : Array.isArray(value) ? `[${value.join(' ')}]` : String(value),
    ]),
  );

export const startLocalIssuer = async (issuer: string): Promise<LocalIssuer> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
  const jwks = { keys: [publicJwk] };
  const keySet = createLocalJWKSet(jwks);

  const issue = async (clientId: string, clientSecret: string, scope?: string): Promise<TokenAnswer> => {
    const client = DEMO_CLINICS.find((clinic) => clinic.clientId === clientId);
    if (!client || !sameSecret(clientSecret, client.clientSecret)) return oauthError(401, 'invalid_client', 'Unknown client or wrong secret.');
    const requested = scope === undefined || scope.trim() === '' ? [...client.scopes] : scope.trim().split(/\s+/);
    if (!requested.every((name) => (client.scopes as readonly string[]).includes(name))) {
      return oauthError(400, 'invalid_scope', `Allowed scopes: ${client.scopes.join(' ')}.`);
    }
    // Shaped like a Cognito client-credentials access token: sub = client_id, token_use = access.
    const accessToken = await new SignJWT({ client_id: client.clientId, scope: requested.join(' '), token_use: 'access' })
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID })
      .setIssuer(issuer)
      .setSubject(client.clientId)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
      .setJti(crypto.randomUUID())
      .sign(privateKey);
    return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, scope: requested.join(' ') } };
  };

  return {
    issuer,
    jwks,
    issue,
    token: async (headers, body) => {
      if (!/^application\/x-www-form-urlencoded\b/i.test(headers['content-type'] ?? '')) {
        return oauthError(400, 'invalid_request', 'Send the form as application/x-www-form-urlencoded.');
      }
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('grant_type') !== 'client_credentials') {
        return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is served locally.');
      }
      const { id, secret } = clientCredentials(headers, form);
      if (!id || !secret) return oauthError(401, 'invalid_client', 'Send client_id and client_secret (form body or HTTP Basic).');
      return issue(id, secret, form.get('scope') ?? undefined);
    },
    authorize: async (authorization, requiredScope) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!bearer?.[1]) throw new ApiError('UNAUTHORIZED', { reason: 'local authorizer: no bearer token' });
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(bearer[1], keySet, { issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'iat'] }));
      } catch (error) {
        throw new ApiError('UNAUTHORIZED', { reason: `local authorizer: ${error instanceof Error ? error.name : 'invalid token'}` });
      }
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
      if (!scopes.includes(requiredScope)) throw new ApiError('FORBIDDEN', { reason: `local authorizer: scope ${requiredScope} missing` });
      return { claims: asHttpApiClaims(payload), scopes };
    },
  };
};

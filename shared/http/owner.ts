// Who owns what a clinic request creates or reads, derived in ONE place from the claims the authorizer
// verified (API Gateway's JWT authorizer in a stage, local/auth.ts under `npm start`). A clinic route
// without verified claims fails closed: 401 before anything else runs, never an anonymous owner.
import { ApiError } from '../errors.ts';
import type { HttpEvent, Middleware } from './edge.ts';

const claimOf = (claims: unknown, name: string): string | undefined => {
  const value = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * The owner (contract v1.1): the clinic application that called, `<iss>|<client_id>` (Cognito access tokens,
 * machine or browser), else `<iss>|<azp>`, else `<iss>|<sub>`. The issuer is always part of it, so two
 * identity providers can never share an owner. Undefined without an issuer and one of those claims.
 */
export const ownerFromClaims = (claims: unknown): string | undefined => {
  const issuer = claimOf(claims, 'iss');
  const application = claimOf(claims, 'client_id') ?? claimOf(claims, 'azp') ?? claimOf(claims, 'sub');
  return issuer === undefined || application === undefined ? undefined : `${issuer}|${application}`;
};

/** HTTP API's JWT authorizer puts the verified claims at requestContext.authorizer.jwt.claims. */
export const ownerOf = (event: HttpEvent): string | undefined => ownerFromClaims(event.requestContext?.authorizer?.jwt?.claims);

/** For the domain: the owner a clinic route must have. Defence in depth behind requireVerifiedOwner. */
export const requireOwner = (owner: string | undefined): string => {
  if (owner === undefined) throw new ApiError('UNAUTHORIZED', { reason: 'no verified clinic claims' });
  return owner;
};

/** The middleware every clinic (non-provider) route runs right after the edge: no owner, 401. */
export const requireVerifiedOwner = (): Middleware => ({
  before: (request) => {
    requireOwner(ownerOf(request.event));
  },
});

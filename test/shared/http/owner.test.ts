import { describe, expect, it } from 'vitest';
import { ownerFromClaims, requireOwner } from '#shared/http/owner.ts';

const ISS = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc';

describe('ownerFromClaims', () => {
  it.each([
    { name: 'a Cognito machine token: iss + client_id', claims: { iss: ISS, client_id: 'app1', sub: 'app1' }, owner: `${ISS}|app1` },
    { name: 'a Cognito browser token: the app client, not the person', claims: { iss: ISS, client_id: 'web1', sub: 'person-uuid' }, owner: `${ISS}|web1` },
    { name: 'an IdP token with azp', claims: { iss: 'https://idp.cl', azp: 'front', sub: 'person' }, owner: 'https://idp.cl|front' },
    { name: 'an IdP token with sub only', claims: { iss: 'https://idp.cl', sub: 'svc' }, owner: 'https://idp.cl|svc' },
    { name: 'no issuer', claims: { client_id: 'app1' }, owner: undefined },
    { name: 'no application claim', claims: { iss: ISS }, owner: undefined },
    { name: 'empty strings', claims: { iss: ISS, client_id: '', azp: '', sub: '' }, owner: undefined },
    { name: 'non-string claims', claims: { iss: ISS, client_id: 42 }, owner: undefined },
    { name: 'no claims at all', claims: undefined, owner: undefined },
  ])('$name → $owner', ({ claims, owner }) => {
    expect(ownerFromClaims(claims)).toBe(owner);
  });

  it('two issuers never share an owner', () => {
    expect(ownerFromClaims({ iss: 'https://a', sub: 'x' })).not.toBe(ownerFromClaims({ iss: 'https://b', sub: 'x' }));
  });
});

describe('requireOwner', () => {
  it('fails closed: no owner is 401 UNAUTHORIZED, never an anonymous owner', () => {
    expect(() => requireOwner(undefined)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED', status: 401 }));
    expect(requireOwner('x|y')).toBe('x|y');
  });
});

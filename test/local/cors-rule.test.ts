// The local server applies shared/http/cors.ts; the stack must deploy the very same rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS_RULE } from '../../shared/http/cors.ts';
import { STAGES } from '../../infra/config.ts';
import { resourcesOf, synthesise, type Synthesised } from '../infra/fixtures.ts';

let synthesised: Synthesised;
beforeAll(() => {
  synthesised = synthesise();
}, 120_000);
afterAll(() => synthesised.remove());

describe.each(STAGES)('the %s stack', (stage) => {
  it('deploys the CORS rule the local server applies', () => {
    const apis = Object.values(resourcesOf(synthesised.templates[stage], 'AWS::ApiGatewayV2::Api'));
    expect(apis).toHaveLength(1);
    expect(apis[0]?.Properties.CorsConfiguration).toMatchObject({
      AllowMethods: [...CORS_RULE.allowMethods],
      AllowHeaders: [...CORS_RULE.allowHeaders],
      ExposeHeaders: [...CORS_RULE.exposeHeaders],
      MaxAge: CORS_RULE.maxAgeSeconds,
    });
  });
});

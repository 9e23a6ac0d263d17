// What the stack refuses to synthesise, what context may override, and how catalog changes reach the stack.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '#shared/catalog.ts';
import { STAGE_CONFIGS, resolveStageConfig, type StageConfig } from '../../infra/config.ts';
import { PaymentsApiStack } from '../../infra/stack.ts';
import { createPaymentsApiApp } from '../../infra/stages.ts';
import { onlyResource, placeholderBundles, resourcesOf } from './fixtures.ts';

const bundles = placeholderBundles([...Object.keys(FUNCTIONS), 'receive-test-webhook']);
afterAll(() => bundles.remove());

const stackWith = (config: StageConfig, functions?: Record<string, FunctionSpec>): PaymentsApiStack =>
  new PaymentsApiStack(new App(), 'Test', { config, bundleDir: bundles.dir, ...(functions ? { functions } : {}) });

const appWith = (context: Record<string, unknown>) => createPaymentsApiApp({ bundleDir: bundles.dir, context });

const production = STAGE_CONFIGS.production;
const staging = STAGE_CONFIGS.staging;

describe('production refuses to synthesise', () => {
  it('with "*" among the CORS origins', () => {
    expect(() => appWith({ 'production.corsOrigins': 'https://a.clinica.example,*' })).toThrow(/"\*" in production/);
  });

  it('with no CORS origin', () => {
    expect(() => appWith({ 'production.corsOrigins': '' })).toThrow(/corsOrigins is empty/);
    expect(() => stackWith({ ...production, corsOrigins: [] })).toThrow(/corsOrigins is empty/);
  });

  it('without an explicitly configured authorizer', () => {
    expect(() => stackWith({ ...production, authorizer: undefined })).toThrow(/production needs an authorizer/);
  });

  it('with alarm actions disabled or nobody to page', () => {
    expect(() => appWith({ 'production.alarmActionsEnabled': 'false' })).toThrow(/actions enabled/);
    expect(() => stackWith({ ...production, alarms: { ...production.alarms, emails: [], pagerUrl: undefined } })).toThrow(
      /at least one subscription/,
    );
  });

  it('with a non-https origin or URL', () => {
    expect(() => appWith({ 'production.corsOrigins': 'http://clinica.example' })).toThrow(/must be https/);
    expect(() => appWith({ 'production.etpayApiUrl': 'http://api.etpay.example' })).toThrow(/etpay.apiUrl/);
    expect(() => appWith({ 'production.etpayReturnOrigins': 'https://clinica.example/pago' })).toThrow(/not an origin/);
  });
});

describe('staging', () => {
  it('may leave the authorizer unset (the stack then creates a Cognito pool) and alarms silent', () => {
    const template = Template.fromStack(stackWith({ ...staging, authorizer: undefined }));
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('refuses http ETpay return origins too (the contract accepts only https return URLs)', () => {
    expect(() => appWith({ 'staging.etpayReturnOrigins': 'http://localhost:5173' })).toThrow(/must be https/);
  });
});

describe('context overrides', () => {
  it('are per stage and leave the other stage alone', () => {
    const read = (key: string): unknown =>
      ({ 'production.corsOrigins': 'https://a.cl, https://b.cl', 'production.alarmEmails': ['x@a.cl'] })[key];
    expect(resolveStageConfig('production', read)).toMatchObject({
      corsOrigins: ['https://a.cl', 'https://b.cl'],
      alarms: { emails: ['x@a.cl'], pagerUrl: production.alarms.pagerUrl, actionsEnabled: true },
    });
    expect(resolveStageConfig('staging', read)).toEqual(staging);
    expect(resolveStageConfig('production', () => undefined)).toEqual(production);
  });

  it('switch a stage to the clinic\'s identity provider, with no Cognito pool', () => {
    const { stacks } = appWith({
      'production.jwtIssuer': 'https://idp.clinica.example/realms/pagos',
      'production.jwtAudience': 'clinic-payments-api,clinic-frontend',
    });
    const template = Template.fromStack(stacks.production);
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Issuer: 'https://idp.clinica.example/realms/pagos',
        Audience: ['clinic-payments-api', 'clinic-frontend'],
      },
    });
    expect(new AwsSolutionsChecks().validateScope(stacks.production).violations).toEqual([]);
  });

  it('add clinic server app clients to the Cognito pool: client credentials, a secret, both scopes, admitted by the authorizer', () => {
    const { stacks } = appWith({ 'staging.cognitoServerClients': 'clinica-x-backend,clinica-y-backend' });
    const template = Template.fromStack(stacks.staging);
    const clients = resourcesOf(template, 'AWS::Cognito::UserPoolClient');
    const server = Object.entries(clients).filter(([, c]) => /clinica-[xy]-backend-staging/.test(JSON.stringify(c.Properties.ClientName)));
    expect(server).toHaveLength(2);
    for (const [, client] of server) {
      expect(client.Properties).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
      });
      expect(JSON.stringify(client.Properties.AllowedOAuthScopes)).toContain('payments.write');
      expect(JSON.stringify(client.Properties.AllowedOAuthScopes)).toContain('payments.read');
      expect(client.Properties.AllowedOAuthScopes).toHaveLength(2);
      // A machine client signs in no person: no SRP or custom auth (Cognito's defaults when the list is unset),
      // no hosted login, nowhere to send anyone back to.
      expect(client.Properties.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
      expect(client.Properties.CallbackURLs).toBeUndefined();
      expect(client.Properties.LogoutURLs).toBeUndefined();
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Audience: Match.arrayEquals(Object.keys(clients).map((id) => ({ Ref: id }))) },
    });
    expect(new AwsSolutionsChecks().validateScope(stacks.staging).violations).toEqual([]);
  });

  it('refuse browser clients without https callback URLs in production', () => {
    const browser = { name: 'web', kind: 'browser' as const, callbackUrls: ['http://pagos.clinica.example/cb'] };
    expect(() => stackWith({ ...production, authorizer: { kind: 'cognito-user-pool', clients: [browser] } })).toThrow(/must be https/);
  });

  it('refuse an issuer without an audience, and values of the wrong type', () => {
    expect(() => appWith({ 'staging.jwtIssuer': 'https://idp.clinica.example' })).toThrow(/go together/);
    expect(() => appWith({ 'staging.alarmActionsEnabled': 'yes' })).toThrow(/true or false/);
  });
});

describe('ETPAY_WEBHOOK_URL', () => {
  const webhookOf = (stack: PaymentsApiStack): unknown => {
    const [, fn] = onlyResource(Template.fromStack(stack), 'AWS::Lambda::Function', {
      FunctionName: 'clinic-payments-staging-create-etpay-session',
    });
    return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.ETPAY_WEBHOOK_URL;
  };

  it('is the URL the stage configures, where it configures one (e.g. a custom domain)', () => {
    const webhookUrl = 'https://pagos.clinica.example/v1/etpay/notifications';
    expect(webhookOf(stackWith({ ...staging, etpay: { ...staging.etpay, webhookUrl } }))).toBe(webhookUrl);
  });

  it('is absent where the catalog has no ETpay notification route', () => {
    const { 'receive-etpay-notification': _omitted, ...withoutNotifications } = FUNCTIONS;
    expect(webhookOf(stackWith(staging, withoutNotifications))).toBeUndefined();
  });
});

describe('catalog changes', () => {
  const webhook: FunctionSpec = { routes: [{ method: 'POST', path: '/v1/webhooks/test' }], settings: ['STAGE'], public: true };

  it('a new public route gets no authorizer, and its cdk-nag finding is acknowledged with a reason', () => {
    const stack = stackWith(staging, { ...FUNCTIONS, 'receive-test-webhook': webhook });
    const [, route] = onlyResource(Template.fromStack(stack), 'AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/webhooks/test' });
    expect(route.Properties.AuthorizationType).toBe('NONE');
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('a secret setting without its secret grant (or the reverse) fails synth', () => {
    const orphan: FunctionSpec = { ...webhook, settings: ['STAGE', 'SKIP_SECRET_ID'] };
    expect(() => stackWith(staging, { 'receive-test-webhook': orphan })).toThrow(/SKIP_SECRET_ID in settings and secret 'skip'/);
  });

  it('a function without a built bundle fails synth with a hint', () => {
    expect(() => stackWith(staging, { 'not-built': webhook })).toThrow(/npm run build/);
  });
});

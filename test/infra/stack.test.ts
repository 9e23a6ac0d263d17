// Both stages synthesised as `cdk synth` does, checked against the catalog and the deployment contract.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, routeKey, secretsOf, type FunctionSpec, type SettingName } from '#shared/catalog.ts';
import { loadSettings } from '#shared/config/settings.ts';
import { DUE_ATTEMPTS_INDEX, ORDERS_BY_OWNER_INDEX, PAYMENTS_TABLE_PARTITION_KEY, PAYMENTS_TABLE_TTL_ATTRIBUTE, paymentsTableDefinition } from '#shared/state/keys.ts';
import { FUNCTION_TIMEOUT_SECONDS, RECONCILE_TIMEOUT_SECONDS } from '#shared/limits.ts';
import { FUNCTION_MEMORY_MB, STAGE_CONFIGS, DEPLOY_STAGES, type DeployStage } from '../../infra/config.ts';
import { createPaymentsApiApp } from '../../infra/stages.ts';
import { onlyResource, PLACEHOLDER_CHUNK, placeholderBundles, refId, resourcesOf, synthesise, type Synthesised } from './fixtures.ts';

const entries = (Object.entries(FUNCTIONS) as [string, FunctionSpec][]).map(([name, spec]) => ({ name, spec }));
const routes = entries.flatMap(({ name, spec }) => spec.routes.map((route) => ({ key: routeKey(route), name, spec })));

// From shared/provider-docs/skip-environments.es.txt, not from the config under test.
const SKIP_HOSTS: Record<DeployStage, Record<string, string>> = {
  staging: {
    SKIPPAY_API_URL: 'https://staging.pay.getskip.ai',
    SKIP_BACKEND_URL: 'https://staging.backend.getskip.ai/api',
    SPOT_WIDGET_URL: 'https://staging.spot.getskip.ai',
  },
  production: {
    SKIPPAY_API_URL: 'https://pay.getskip.ai',
    SKIP_BACKEND_URL: 'https://backend.getskip.ai/api',
    SPOT_WIDGET_URL: 'https://spot.getskip.ai',
  },
};

// Production leaves ETPAY_PAYMENT_URL unset until ETpay confirms it; every other setting is set in both.
const UNSET_IN_STAGE: Record<DeployStage, readonly SettingName[]> = {
  staging: [],
  production: ['ETPAY_PAYMENT_URL'],
};

let synth: Synthesised;
beforeAll(() => {
  synth = synthesise();
});
afterAll(() => synth.remove());

describe.each(DEPLOY_STAGES)('%s stack', (stage) => {
  const config = STAGE_CONFIGS[stage];
  const template = () => synth.templates[stage];
  const tableId = () => Object.keys(resourcesOf(template(), 'AWS::DynamoDB::Table'))[0];
  const apiId = () => Object.keys(resourcesOf(template(), 'AWS::ApiGatewayV2::Api'))[0];
  const functionOf = (name: string) =>
    onlyResource(template(), 'AWS::Lambda::Function', { FunctionName: `clinic-payments-${stage}-${name}` });

  it('has one function per catalog entry and no other', () => {
    expect(Object.keys(resourcesOf(template(), 'AWS::Lambda::Function'))).toHaveLength(entries.length);
  });

  it.each(entries)('deploys $name on Node.js 24, arm64, from its own bundle and the chunks it imports', ({ name, spec }) => {
    const [, fn] = functionOf(name);
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: FUNCTION_MEMORY_MB,
      // API routes answer within API Gateway's 30 s; the scheduled reconciliation has its own longer timeout.
      Timeout: spec.schedule ? RECONCILE_TIMEOUT_SECONDS : FUNCTION_TIMEOUT_SECONDS,
    });
    expect(fn.Metadata?.['aws:asset:property']).toBe('Code');
    const asset = join(synth.outdir, String(fn.Metadata?.['aws:asset:path']));
    expect(readFileSync(join(asset, 'index.mjs'), 'utf8')).toContain(`placeholder bundle: ${name}\n`);
    // Code splitting: the entry's chunks ship beside it, or the function fails on its first import.
    expect(readFileSync(join(asset, PLACEHOLDER_CHUNK), 'utf8')).toContain(`placeholder chunk: ${name}\n`);
  });

  it.each(entries)('gives $name exactly its catalog settings as environment', ({ name, spec }) => {
    const [, fn] = functionOf(name);
    const env = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
    const expected: string[] = spec.settings.filter((s) => !UNSET_IN_STAGE[stage].includes(s));
    // A publishing function also gets the stage's bus (its publisher reads it, failing closed without it).
    if (spec.publishesEvents === true) expected.push('PAYMENTS_EVENT_BUS');
    expect(Object.keys(env).sort()).toEqual([...expected].sort());
    if ('PAYMENTS_EVENT_BUS' in env) expect(env.PAYMENTS_EVENT_BUS).toBe(`clinic-payments-${stage}`);
    expect(env.STAGE).toBe(stage);
    for (const [setting, host] of Object.entries(SKIP_HOSTS[stage])) {
      if (setting in env) expect(env[setting]).toBe(host);
    }
    if ('SKIP_SECRET_ID' in env) expect(env.SKIP_SECRET_ID).toBe(`clinic-payments/${stage}/skip`);
    if ('ETPAY_SECRET_ID' in env) expect(env.ETPAY_SECRET_ID).toBe(`clinic-payments/${stage}/etpay`);
    if ('UPSTREAM_TIMEOUT_MS' in env) expect(env.UPSTREAM_TIMEOUT_MS).toBe('8000');
    if ('ETPAY_RETURN_ORIGINS' in env) expect(env.ETPAY_RETURN_ORIGINS).toBe(config.etpay.returnOrigins.join(','));
    if ('PAYMENTS_TABLE' in env) expect(env.PAYMENTS_TABLE).toEqual({ Ref: tableId() });
    if ('ETPAY_WEBHOOK_URL' in env) {
      // The stage's own notification route, on the API's default stage URL.
      const url = JSON.stringify(env.ETPAY_WEBHOOK_URL);
      expect(url).toContain(`{"Ref":"${apiId()}"}`);
      expect(url).toMatch(/\/v1\/etpay\/notifications"\]\]\}$/);
    }
  });

  it.each(entries)('gives $name an environment its own settings validation accepts', ({ name, spec }) => {
    const [, fn] = functionOf(name);
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    // Values CloudFormation resolves at deploy time stand in as what they resolve to.
    const deployed = Object.fromEntries(
      Object.entries(env).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : key === 'PAYMENTS_TABLE' ? `clinic-payments-${stage}` : 'https://abc123.execute-api.sa-east-1.amazonaws.com/v1/etpay/notifications',
      ]),
    );
    expect(() => loadSettings(spec.settings, deployed)).not.toThrow();
  });

  it('keeps payment state in one table with the code\'s key and TTL, recoverable, on demand', () => {
    // The same definition the local stage and the tests create their tables from.
    const { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, BillingMode } = paymentsTableDefinition('any');
    expect(KeySchema).toEqual([{ AttributeName: PAYMENTS_TABLE_PARTITION_KEY, KeyType: 'HASH' }]);
    // The two indexes, with the code's names: an owner's orders by creation time, and attempts due for a
    // status pull (keys only); never a scan.
    expect(GlobalSecondaryIndexes).toEqual([
      {
        IndexName: ORDERS_BY_OWNER_INDEX.name,
        KeySchema: [
          { AttributeName: ORDERS_BY_OWNER_INDEX.partitionKey, KeyType: 'HASH' },
          { AttributeName: ORDERS_BY_OWNER_INDEX.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: DUE_ATTEMPTS_INDEX.name,
        KeySchema: [
          { AttributeName: DUE_ATTEMPTS_INDEX.partitionKey, KeyType: 'HASH' },
          { AttributeName: DUE_ATTEMPTS_INDEX.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
    template().resourceCountIs('AWS::DynamoDB::Table', 1);
    template().hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema,
        AttributeDefinitions,
        GlobalSecondaryIndexes,
        TimeToLiveSpecification: { AttributeName: PAYMENTS_TABLE_TTL_ATTRIBUTE, Enabled: true },
        BillingMode,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: stage === 'production' ? 'Retain' : 'Delete',
    });
  });

  it.each(entries)('lets $name read only its own secret, write only its own logs, touch only table items', ({ name, spec }) => {
    const [, fn] = functionOf(name);
    const roleId = refId(fn.Properties.Role);
    const role = resourcesOf(template(), 'AWS::IAM::Role')[roleId];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = Object.values(resourcesOf(template(), 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string[]; Resource: unknown }[] }).Statement);
    const secretResources = statements
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')))
      .map((s) => JSON.stringify(s.Resource));
    const logGroupId = refId((fn.Properties.LoggingConfig as { LogGroup: unknown }).LogGroup);
    for (const s of statements) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
    expect(statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:'))).map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': [logGroupId, 'Arn'] },
    ]);
    const tableStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    // A function that reads PAYMENTS_TABLE declares its actions, and its role gets exactly those: item
    // actions on the table's ARN only, index actions on the index's ARN only.
    const index = (spec as { index?: readonly string[] }).index;
    const dueIndex = spec.dueIndex;
    expect(spec.table !== undefined || index !== undefined).toBe(spec.settings.includes('PAYMENTS_TABLE'));
    const onTable = tableStatements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId(), 'Arn'] }));
    const onIndex = tableStatements.filter((s) => JSON.stringify(s.Resource).includes(`/index/${ORDERS_BY_OWNER_INDEX.name}`));
    const onDueIndex = tableStatements.filter((s) => JSON.stringify(s.Resource).includes(`/index/${DUE_ATTEMPTS_INDEX.name}`));
    expect(onTable.length + onIndex.length + onDueIndex.length).toBe(tableStatements.length);
    expect(onDueIndex.flatMap((s) => [s.Action].flat()).sort()).toEqual((dueIndex ?? []).map((a) => `dynamodb:${a}`).sort());
    for (const s of onDueIndex) {
      expect(s.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId(), 'Arn'] }, `/index/${DUE_ATTEMPTS_INDEX.name}`]] });
    }
    expect(onTable.flatMap((s) => [s.Action].flat()).sort()).toEqual((spec.table ?? []).map((a) => `dynamodb:${a}`).sort());
    expect(onIndex.flatMap((s) => [s.Action].flat()).sort()).toEqual((index ?? []).map((a) => `dynamodb:${a}`).sort());
    for (const s of onIndex) {
      expect(s.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId(), 'Arn'] }, `/index/${ORDERS_BY_OWNER_INDEX.name}`]] });
    }
    for (const s of tableStatements) expect([s.Action].flat()).not.toContain('dynamodb:Scan');
    // PutEvents only for a publishing function, on the stage's bus only, with our source only.
    const putEvents = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));
    if (spec.publishesEvents === true) {
      const [busId] = Object.keys(resourcesOf(template(), 'AWS::Events::EventBus'));
      expect(putEvents).toEqual([
        expect.objectContaining({
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
          Condition: { StringEquals: { 'events:source': 'clinic-payments' } },
        }),
      ]);
    } else expect(putEvents).toEqual([]);
    const own = secretsOf(spec);
    expect(secretResources).toHaveLength(own.length);
    for (const secret of ['skip', 'etpay'] as const) {
      const granted = secretResources.some((resource) => resource.includes(`:secret:clinic-payments/${stage}/${secret}-??????`));
      expect(granted).toBe(own.includes(secret));
    }
  });

  // Spelled out, not read from the catalog: the widget function reads one order per request to check its
  // owner, so its role holds exactly GetItem on the table and nothing else of DynamoDB (no index, no writes).
  it('lets create-widget-session only GetItem on the payments table, with PAYMENTS_TABLE set', () => {
    const [, fn] = functionOf('create-widget-session');
    const roleId = refId(fn.Properties.Role);
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.PAYMENTS_TABLE).toEqual({ Ref: tableId() });
    const dynamo = Object.values(resourcesOf(template(), 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([expect.objectContaining({ Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] } })]);
    expect(Object.keys(env)).not.toContain('PAYMENTS_EVENT_BUS');
  });

  it('has the stage\'s bus, and reconcile-payments on a 5-minute schedule with no retry', () => {
    const buses = Object.values(resourcesOf(template(), 'AWS::Events::EventBus'));
    expect(buses.map((bus) => bus.Properties.Name)).toEqual([`clinic-payments-${stage}`]);
    const [fnId] = functionOf('reconcile-payments');
    const rules = Object.values(resourcesOf(template(), 'AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    const targetsOf = rules[0]?.Properties.Targets as { Arn: unknown; RetryPolicy?: { MaximumRetryAttempts: number } }[];
    expect(targetsOf).toHaveLength(1);
    expect(targetsOf[0]?.Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(targetsOf[0]?.RetryPolicy?.MaximumRetryAttempts).toBe(0);
    // EventBridge may invoke it, and nothing routes to it over HTTP.
    const permissions = Object.values(resourcesOf(template(), 'AWS::Lambda::Permission')).filter((p) => refId(p.Properties.FunctionName) === fnId);
    expect(permissions.map((p) => p.Properties.Principal)).toEqual(['events.amazonaws.com']);
  });

  it('keeps every log group for the stage\'s retention', () => {
    const groups = Object.values(resourcesOf(template(), 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(entries.length + 1);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(config.logRetention);
  });

  it.each(routes)('routes $key to $name, behind the clinic authorizer unless public', ({ key, name, spec }) => {
    const [fnId] = functionOf(name);
    const [, route] = onlyResource(template(), 'AWS::ApiGatewayV2::Route', { RouteKey: key });
    const target = route.Properties.Target as { 'Fn::Join': [string, [string, unknown]] };
    expect(target['Fn::Join'][1][0]).toBe('integrations/');
    const integration = resourcesOf(template(), 'AWS::ApiGatewayV2::Integration')[refId(target['Fn::Join'][1][1])];
    expect(integration?.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(refId(integration?.Properties.IntegrationUri)).toBe(fnId);
    if (spec.public === true) {
      expect(route.Properties.AuthorizationType).toBe('NONE');
    } else {
      const [authorizerId] = Object.keys(resourcesOf(template(), 'AWS::ApiGatewayV2::Authorizer'));
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: [key.startsWith('GET ') ? 'clinic-payments/payments.read' : 'clinic-payments/payments.write'],
      });
    }
  });

  it('has exactly the catalog\'s routes', () => {
    const keys = Object.values(resourcesOf(template(), 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual(routes.map(({ key }) => key).sort());
  });

  it('allows exactly the stage\'s CORS origins, methods and headers', () => {
    template().hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: [...config.corsOrigins],
        // The literal list, not CORS_RULE: a header dropped from the shared rule must fail here.
        AllowMethods: Match.arrayEquals(['POST', 'GET', 'OPTIONS']),
        AllowHeaders: Match.arrayEquals(['content-type', 'authorization', 'idempotency-key']),
        ExposeHeaders: ['x-request-id'],
        MaxAge: 3600,
      },
    });
    if (stage === 'production') expect(config.corsOrigins).not.toContain('*');
  });

  it('throttles the default stage and logs access as JSON without bodies or personal data', () => {
    const [, apiStage] = onlyResource(template(), 'AWS::ApiGatewayV2::Stage', { StageName: '$default' });
    expect(apiStage.Properties).toMatchObject({
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: config.throttle.rateLimit, ThrottlingBurstLimit: config.throttle.burstLimit },
    });
    const format = JSON.parse((apiStage.Properties.AccessLogSettings as { Format: string }).Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
      integrationErrorMessage: '$context.integrationErrorMessage',
    });
    for (const variable of Object.values(format)) expect(variable).not.toMatch(/body|path|header|querystring|claims|email/i);
  });

  it('authorises with the stage\'s Cognito pool (MFA, Plus plan) where no IdP is configured', () => {
    template().resourceCountIs('AWS::Cognito::UserPool', 1);
    template().hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', UserPoolTier: 'PLUS' });
    const [poolId] = Object.keys(resourcesOf(template(), 'AWS::Cognito::UserPool'));
    const clientIds = Object.keys(resourcesOf(template(), 'AWS::Cognito::UserPoolClient'));
    template().hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Audience: Match.arrayEquals(clientIds.map((id) => ({ Ref: id }))),
        Issuer: { 'Fn::Join': ['', Match.arrayWith([{ Ref: poolId }])] },
      },
    });
  });

  it('gives the pool the clinic-payments resource server with its two scopes, and a hosted domain', () => {
    template().hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'clinic-payments',
      Scopes: [
        { ScopeName: 'payments.write', ScopeDescription: Match.anyValue() },
        { ScopeName: 'payments.read', ScopeDescription: Match.anyValue() },
      ],
    });
    template().resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('uses none of the OAuth defaults nobody needs: no implicit flow, no https://example.com', () => {
    const clients = Object.values(resourcesOf(template(), 'AWS::Cognito::UserPoolClient'));
    expect(clients.length).toBeGreaterThan(0);
    for (const client of clients) {
      expect(client.Properties.AllowedOAuthFlows).not.toContain('implicit');
      expect(JSON.stringify(client.Properties)).not.toContain('example.com/');
      expect(JSON.stringify(client.Properties.CallbackURLs ?? [])).not.toContain('https://example.com');
    }
    const browser = clients.find((c) => JSON.stringify(c.Properties.ClientName).includes('clinic-frontend'));
    expect(browser?.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: config.corsOrigins.filter((o) => o !== '*'),
    });
  });

  it('references the stage\'s secrets by name and creates none', () => {
    template().resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('acknowledges cdk-nag findings only for public routes, each with its reason', () => {
    const { stacks } = createPaymentsApiApp({ bundleDir: placeholderBundleDir() });
    const acknowledged = stacks[stage].node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    const publicRoutes = routes.filter(({ spec }) => spec.public === true);
    expect(acknowledged).toHaveLength(publicRoutes.length);
    for (const { key } of publicRoutes) {
      expect(acknowledged).toContainEqual([
        'Annotation::AwsSolutions-APIG4',
        expect.stringMatching(new RegExp(`^${key.replace(/[{}/]/g, '\\$&')} is called server-to-server by .+ verifies the provider's signature`)),
      ]);
    }
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    // The app's synth already ran the plugin (it throws on findings); this names them if there are any.
    const { stacks } = createPaymentsApiApp({ bundleDir: placeholderBundleDir() });
    expect(new AwsSolutionsChecks().validateScope(stacks[stage]).violations).toEqual([]);
  });
});

// The nag re-check builds its own app; bundles only need to exist, one dir serves every stage.
let bundleDir: ReturnType<typeof placeholderBundles> | undefined;
const placeholderBundleDir = (): string => (bundleDir ??= placeholderBundles()).dir;
afterAll(() => bundleDir?.remove());

describe('app', () => {
  it('names one stack per stage', () => {
    const { stacks } = createPaymentsApiApp({ bundleDir: placeholderBundleDir() });
    expect(Object.values(stacks).map((s) => s.stackName)).toEqual(['ClinicPaymentsApi-staging', 'ClinicPaymentsApi-production']);
    // Account- and region-agnostic: synth needs no credentials and makes no lookups.
    for (const stack of Object.values(stacks)) expect(stack.environment).toBe('aws://unknown-account/unknown-region');
  });

  it('times functions under API Gateway\'s 30 s limit and above the provider deadline', () => {
    expect(FUNCTION_TIMEOUT_SECONDS).toBeLessThan(30);
    for (const stage of DEPLOY_STAGES) expect(FUNCTION_TIMEOUT_SECONDS * 1000).toBeGreaterThan(STAGE_CONFIGS[stage].upstreamTimeoutMs);
  });
});

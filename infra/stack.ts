// The one stack class, deployed once per stage: an HTTP API with one function per catalog entry (serving that
// entry's routes), the clinic authorizer, the payment-state table, the stage's secrets (referenced, never
// created) and the alarms that page.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import {
  FUNCTIONS,
  SECRET_ID_SETTING,
  routeKey,
  secretsOf,
  type FunctionName,
  type FunctionSpec,
  type SecretName,
  type SettingName,
} from '../shared/catalog.ts';
import { PAYMENT_EVENT_SOURCE } from '../shared/events/payment-events.ts';
import { CORS_RULE } from '../shared/http/cors.ts';
import { RECONCILE_TIMEOUT_SECONDS } from '../shared/limits.ts';
import { SERVICE_NAME } from '../shared/observability/metric-names.ts';
import { secretName, type StageConfig } from './config.ts';
import { PaymentsAlarms, type MonitoredFunction } from './constructs/alarms.ts';
import { ClinicAuthorizer } from './constructs/clinic-authorizer.ts';
import { PaymentsFunction } from './constructs/payments-function.ts';
import { PaymentsTable } from './constructs/payments-table.ts';
import { guardPlaceholders } from './placeholders.ts';
import { DUE_ATTEMPTS_INDEX } from '../shared/state/keys.ts';
import { validateStageConfig } from './validate-config.ts';

/** Where `npm run build` writes `<name>/index.mjs`. */
const DEFAULT_BUNDLE_DIR = fileURLToPath(new URL('../dist/functions', import.meta.url));

export interface PaymentsApiStackProps extends StackProps {
  config: StageConfig;
  /** Directory holding `<function name>/index.mjs`; tests point it at placeholder bundles. */
  bundleDir?: string;
  /** The routes to deploy; only tests pass anything but the catalog. */
  functions?: Readonly<Record<string, FunctionSpec>>;
}

/** The contract's optional settings: a stage may leave them unset and the feature is then off. */
type OptionalSetting = 'ETPAY_PAYMENT_URL' | 'ETPAY_WEBHOOK_URL';
/** The values the stack gives a deployed stage's functions (shared/config reads them as SettingValues). */
type DeployedSettingValues = { [S in SettingName]: S extends OptionalSetting ? string | undefined : string };

/** The catalog entry ETpay's payment results are posted to; its URL becomes ETPAY_WEBHOOK_URL. */
const ETPAY_NOTIFICATION_FUNCTION: FunctionName = 'receive-etpay-notification';

interface StageResources {
  tableName: string;
  /** The default stage's base URL, ending in `/`. */
  apiUrl: string;
  catalog: Readonly<Record<string, FunctionSpec>>;
}

/** Every setting's value in this stage; only the optional ones may be unset. */
const settingValues = (config: StageConfig, resources: StageResources): DeployedSettingValues => {
  const notifications = resources.catalog[ETPAY_NOTIFICATION_FUNCTION]?.routes[0];
  return {
    STAGE: config.stage,
    SKIPPAY_API_URL: config.skip.payApiUrl,
    SKIP_BACKEND_URL: config.skip.backendUrl,
    SPOT_WIDGET_URL: config.skip.spotWidgetUrl,
    ETPAY_API_URL: config.etpay.apiUrl,
    ETPAY_PAYMENT_URL: config.etpay.paymentUrl,
    ETPAY_RETURN_ORIGINS: config.etpay.returnOrigins.join(','),
    // Our own notification route unless the stage names another URL (e.g. a custom domain).
    ETPAY_WEBHOOK_URL:
      config.etpay.webhookUrl ?? (notifications && `${resources.apiUrl}${notifications.path.replace(/^\//, '')}`),
    // The name, not the ARN: it is stable across re-creation and the SDK accepts either.
    SKIP_SECRET_ID: secretName(config.stage, 'skip'),
    ETPAY_SECRET_ID: secretName(config.stage, 'etpay'),
    UPSTREAM_TIMEOUT_MS: String(config.upstreamTimeoutMs),
    PAYMENTS_TABLE: resources.tableName,
    // The contract's bus (created below); set only on the functions that publish (catalog publishesEvents).
    PAYMENTS_EVENT_BUS: busName(config.stage),
  };
};

/** The stage's EventBridge bus for Payment Status Changed events (contract v1.1). */
const busName = (stage: string): string => `clinic-payments-${stage}`;

/**
 * Exactly the settings the catalog lists for the function, minus optional ones the stage leaves unset, and
 * PAYMENTS_EVENT_BUS for a function that publishes.
 */
const functionEnvironment = (name: string, spec: FunctionSpec, values: DeployedSettingValues): Record<string, string> => {
  for (const [secret, setting] of Object.entries(SECRET_ID_SETTING) as [SecretName, SettingName][]) {
    if (spec.settings.includes(setting) !== secretsOf(spec).includes(secret)) {
      throw new Error(`${name}: ${setting} in settings and secret '${secret}' must go together`);
    }
  }
  const environment: Record<string, string> = spec.publishesEvents === true ? { PAYMENTS_EVENT_BUS: values.PAYMENTS_EVENT_BUS } : {};
  for (const setting of spec.settings) {
    const value = values[setting];
    if (value !== undefined) environment[setting] = value;
  }
  return environment;
};

// JSON access log of what happened to a request, never what it carried: no body, no path (ids), no headers.
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationErrorMessage: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    errorMessage: '$context.error.message',
  }),
);

export class PaymentsApiStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly apiStage: apigwv2.HttpStage;
  readonly alarms: PaymentsAlarms;
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: PaymentsApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    validateStageConfig(config);
    guardPlaceholders(this, config);
    const { stage } = config;
    // Staging's log groups go with the stack (a failed first deploy or `cdk destroy` must not leave names
    // that block the next deploy); production keeps its logs (README: clean up after a destroy).
    const logRemovalPolicy = stage === 'production' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const bundleDir = props.bundleDir ?? DEFAULT_BUNDLE_DIR;
    const catalog: Readonly<Record<string, FunctionSpec>> = props.functions ?? FUNCTIONS;
    Tags.of(this).add('service', SERVICE_NAME);
    Tags.of(this).add('stage', stage);

    const secrets: Record<SecretName, secretsmanager.ISecret> = {
      skip: secretsmanager.Secret.fromSecretNameV2(this, 'SkipSecret', secretName(stage, 'skip')),
      etpay: secretsmanager.Secret.fromSecretNameV2(this, 'EtpaySecret', secretName(stage, 'etpay')),
    };

    const clinicAuth = new ClinicAuthorizer(this, 'ClinicAuth', { stage, config: config.authorizer, clinicOrigins: config.corsOrigins });
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `clinic-payments-${stage}`,
      description: `Clinic payments API (${stage})`,
      // Secure by default: a route is public only where the catalog says so.
      defaultAuthorizer: clinicAuth.authorizer,
      corsPreflight: {
        allowOrigins: [...config.corsOrigins],
        // The same rule the local server applies; only the origins are the stage's.
        allowMethods: CORS_RULE.allowMethods.map((method) => apigwv2.CorsHttpMethod[method]),
        allowHeaders: [...CORS_RULE.allowHeaders],
        exposeHeaders: [...CORS_RULE.exposeHeaders],
        maxAge: Duration.seconds(CORS_RULE.maxAgeSeconds),
      },
      // Created below, with throttling and access logs the default stage options cannot take.
      createDefaultStage: false,
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/clinic-payments-${stage}/access`,
      retention: config.logRetention,
      removalPolicy: logRemovalPolicy,
    });
    this.apiStage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const table = new PaymentsTable(this, 'PaymentsTable', { stage });
    // Clinics subscribe with their own rules on this bus (README: "Subscribing to payment events").
    this.bus = new events.EventBus(this, 'PaymentEvents', { eventBusName: busName(stage), description: `Payment Status Changed events (${stage})` });
    const values = settingValues(config, { tableName: table.table.tableName, apiUrl: this.apiStage.url, catalog });
    const monitored: MonitoredFunction[] = [];
    for (const [name, spec] of Object.entries(catalog)) {
      const routes = spec.schedule ? `scheduled every ${spec.schedule.everyMinutes} minutes` : spec.routes.map(routeKey).join(', ');
      const fn = new PaymentsFunction(this, `Fn-${name}`, {
        functionName: `clinic-payments-${stage}-${name}`,
        description: `${routes} (${stage})`,
        bundlePath: join(bundleDir, name),
        environment: functionEnvironment(name, spec, values),
        logRetention: config.logRetention,
        logRemovalPolicy,
        ...(spec.schedule ? { timeoutSeconds: RECONCILE_TIMEOUT_SECONDS } : {}),
      });
      for (const secret of secretsOf(spec)) secrets[secret].grantRead(fn.role);
      if (spec.table) table.grantItemActions(fn.role, spec.table);
      if (spec.index) table.grantIndexActions(fn.role, spec.index);
      if (spec.dueIndex) table.grantIndexActions(fn.role, spec.dueIndex, DUE_ATTEMPTS_INDEX.name);
      if (spec.publishesEvents === true) {
        // PutEvents on the stage's bus only, and only with our source (a function cannot impersonate AWS or a clinic).
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['events:PutEvents'],
            resources: [this.bus.eventBusArn],
            conditions: { StringEquals: { 'events:source': PAYMENT_EVENT_SOURCE } },
          }),
        );
      }
      monitored.push({ name, function: fn.function, route: routes });
      if (spec.schedule) {
        new events.Rule(this, `Schedule-${name}`, {
          ruleName: `clinic-payments-${stage}-${name}`,
          description: `Invokes ${name} every ${spec.schedule.everyMinutes} minutes (${stage})`,
          schedule: events.Schedule.rate(Duration.minutes(spec.schedule.everyMinutes)),
          // A missed run is not worth replaying: the next one finds the same due attempts.
          targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 0 })],
        });
        continue;
      }

      const integration = new HttpLambdaIntegration(`Integration-${name}`, fn.function);
      for (const route of spec.routes) {
        const added = this.api.addRoutes({
          path: route.path,
          methods: [apigwv2.HttpMethod[route.method]],
          integration,
          // A clinic route requires its scope (contract v1.1); a provider route has no clinic authorizer.
          ...(spec.public === true
            ? { authorizer: new apigwv2.HttpNoneAuthorizer() }
            : { authorizationScopes: [clinicAuth.scopeFor(route.method)] }),
        });
        if (spec.public !== true) continue;
        for (const r of added) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${routeKey(route)} is called server-to-server by ${spec.provider ?? 'a payment provider'}, which cannot hold a clinic JWT; the function verifies the provider's signature before acting on the body.`,
          });
        }
      }
    }

    this.alarms = new PaymentsAlarms(this, 'Alarms', {
      stage,
      config: config.alarms,
      functions: monitored,
      apiStage: this.apiStage,
      namePrefix: id,
    });

    // Stable output names: the runbook's commands query them.
    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'PaymentEventBusArn', { value: this.bus.eventBusArn });
    if (clinicAuth.userPool !== undefined && clinicAuth.userPoolClient !== undefined) {
      new CfnOutput(this, 'UserPoolId', { value: clinicAuth.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: clinicAuth.userPoolClient.userPoolClientId });
    }
    if (clinicAuth.domain !== undefined) {
      // Where clinic servers get tokens (client credentials) and people sign in (authorization code + PKCE).
      new CfnOutput(this, 'OAuthBaseUrl', { value: clinicAuth.domain.baseUrl() });
    }
  }
}

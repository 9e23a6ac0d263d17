// The `local` stage: the provider sandbox, the Secrets Manager and EventBridge stand-ins and the
// payment-state table, all on loopback, and the environment the functions read, set the way the stack sets
// a Lambda's. Nothing here is a second implementation: the functions read settings and secrets through
// their usual code.
import { FUNCTIONS, type RouteFunctionName } from '#shared/catalog.ts';
import { sandboxSecrets, SANDBOX_SECRET_IDS, SANDBOX_SKIP_SECRET, startSandbox, type Sandbox } from './sandbox/index.ts';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from './secrets-manager-standin.ts';
import { startLocalDynamo, type LocalDynamo } from './dynamo.ts';
import { startEventBridgeStandIn, type EventBridgeStandIn } from './eventbridge-standin.ts';

export interface StandIns {
  sandbox: Sandbox;
  secretsManager: SecretsManagerStandIn;
  dynamo: LocalDynamo;
  eventBridge: EventBridgeStandIn;
}

/** The local stage's bus, named as the stack names a stage's (`clinic-payments-<stage>`). */
export const LOCAL_EVENT_BUS = 'clinic-payments-local';

export const startStandIns = async (host: string): Promise<StandIns> => {
  const started: { close(): Promise<void> }[] = [];
  try {
    const sandbox = await startSandbox({ host });
    started.push(sandbox);
    const secretsManager = await startSecretsManagerStandIn(sandboxSecrets(), { host });
    started.push(secretsManager);
    const eventBridge = await startEventBridgeStandIn({ host, buses: [LOCAL_EVENT_BUS] });
    started.push(eventBridge);
    const dynamo = await startLocalDynamo(host);
    return { sandbox, secretsManager, dynamo, eventBridge };
  } catch (error) {
    // A half-started stage must not keep the process alive.
    await Promise.allSettled(started.map((standIn) => standIn.close()));
    throw error;
  }
};

export const closeStandIns = async (standIns: StandIns): Promise<void> => {
  // The sandbox first: it aborts webhooks in flight towards the API and the table.
  await standIns.sandbox.close();
  await Promise.all([standIns.secretsManager.close(), standIns.dynamo.close(), standIns.eventBridge.close()]);
};

/** The URL of a catalog function's first route on `apiOrigin`. */
const routeUrl = (apiOrigin: string, functionName: RouteFunctionName): string => `${apiOrigin}${FUNCTIONS[functionName].routes[0].path}`;

/**
 * Every variable the functions of the local stage read (the deployment contract's list), for this run.
 * `clinicOrigins` are the frontends allowed back from ETpay (and by CORS): the demo page's own origins first.
 */
export const localStageEnvironment = (standIns: StandIns, apiOrigin: string, clinicOrigins: readonly string[]): Record<string, string | undefined> => {
  const { sandbox, secretsManager, dynamo, eventBridge } = standIns;
  return {
    STAGE: 'local',
    SKIPPAY_API_URL: sandbox.skippayApiUrl,
    SKIP_BACKEND_URL: sandbox.skipBackendUrl,
    SPOT_WIDGET_URL: sandbox.spotWidgetUrl,
    ETPAY_API_URL: sandbox.etpayApiUrl,
    ETPAY_PAYMENT_URL: sandbox.etpayPaymentUrl,
    ETPAY_RETURN_ORIGINS: clinicOrigins.join(','),
    ETPAY_WEBHOOK_URL: routeUrl(apiOrigin, 'receive-etpay-notification'),
    SKIP_SECRET_ID: SANDBOX_SECRET_IDS.skip,
    ETPAY_SECRET_ID: SANDBOX_SECRET_IDS.etpay,
    PAYMENTS_TABLE: dynamo.tableName,
    PAYMENTS_EVENT_BUS: LOCAL_EVENT_BUS,
    // A developer's own value wins: FAULT-TIMEOUT answers after this long.
    UPSTREAM_TIMEOUT_MS: process.env.UPSTREAM_TIMEOUT_MS,
    // The SDK's standard variables: loopback endpoints and dummy credentials, so that no real AWS account
    // (nor a profile in ~/.aws) can ever be reached from the local stage.
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
  };
};

/** The sandbox's SkipPay webhook, signed with the local Skip secret, to our own webhook route. */
export const connectSkipPayWebhook = (sandbox: Sandbox, apiOrigin: string): void => {
  const url = routeUrl(apiOrigin, 'receive-skippay-webhook');
  sandbox.setSkippayWebhook({ url, secret: SANDBOX_SKIP_SECRET.SKIPPAY_WEBHOOK_SECRET });
};

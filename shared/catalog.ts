// The one list of the API's routes and the Lambda functions behind them. The build, the stack and the
// local server all read it, so a route, its bundle, its secret and its settings cannot drift apart.
import type { Provider } from './providers/provider.ts';

/** Settings a function may read from its environment (see shared/config). */
export type SettingName =
  | 'STAGE'
  | 'SKIPPAY_API_URL'
  | 'SKIP_BACKEND_URL'
  | 'SPOT_WIDGET_URL'
  | 'ETPAY_API_URL'
  | 'ETPAY_PAYMENT_URL'
  | 'ETPAY_RETURN_ORIGINS'
  | 'ETPAY_WEBHOOK_URL'
  | 'SKIP_SECRET_ID'
  | 'ETPAY_SECRET_ID'
  | 'UPSTREAM_TIMEOUT_MS'
  | 'PAYMENTS_TABLE'
  | 'PAYMENTS_EVENT_BUS';

export type SecretName = 'skip' | 'etpay';

/** The setting that names each secret's Secrets Manager id: a function with a `secret` lists it. */
export const SECRET_ID_SETTING = { skip: 'SKIP_SECRET_ID', etpay: 'ETPAY_SECRET_ID' } as const satisfies Record<SecretName, SettingName>;

/** DynamoDB actions on the payments table: single items, and Query on its index only (never a scan). */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';
export type IndexAction = 'Query';

/** The stage issuer's resource server and its two scopes (contract v1.1): POST routes write, GET routes read. */
export const RESOURCE_SERVER = 'clinic-payments';
export const CLINIC_SCOPES = { write: 'payments.write', read: 'payments.read' } as const;
/** The scope a clinic route requires, as it appears in a token's `scope` claim. */
export const requiredScope = (route: { method: string }): string =>
  `${RESOURCE_SERVER}/${route.method === 'GET' ? CLINIC_SCOPES.read : CLINIC_SCOPES.write}`;

/** One API Gateway route: `${method} ${path}` is its route key. */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** API Gateway syntax: `{name}` is a path parameter. */
  path: string;
  /** The provider this route's CONFIGURATION_ERROR is counted under, where it differs from the function's. */
  provider?: Provider;
}

export interface FunctionSpec {
  /** Every route this function serves (one function may serve several, e.g. GET status per provider). */
  routes: readonly RouteSpec[];
  /** A scheduled function (no route): the EventBridge schedule that invokes it, with the scheduled event. */
  schedule?: { everyMinutes: number };
  /** The upstream it calls or whose flow it serves (metrics dimension), if any. */
  provider?: Provider;
  /** The one Secrets Manager secret it may read (`ctx.secret()` in its route). */
  secret?: SecretName;
  /** Functions that pull both providers' status (status pulls): every secret they may read. */
  secrets?: readonly SecretName[];
  /** Environment variables it reads; optional ones may be absent. */
  settings: readonly SettingName[];
  /** What it does on the payments table (PAYMENTS_TABLE): its role is granted exactly these. */
  table?: readonly TableAction[];
  /** What it does on the table's orders-by-owner index: granted on the index ARN only. */
  index?: readonly IndexAction[];
  /** What it does on the due-attempts index (reconcile-payments): granted on that index's ARN only. */
  dueIndex?: readonly IndexAction[];
  /**
   * Puts `Payment Status Changed` events (it records provider results): the stack sets PAYMENTS_EVENT_BUS
   * and grants PutEvents on the stage's bus only. Not in `settings`: a missing bus never fails the payment
   * route, the publish is counted as failed instead (shared/events/payment-events.ts).
   */
  publishesEvents?: boolean;
  /** Called by a provider, not by a clinic frontend: no clinic authorizer. */
  public?: boolean;
  /** Its JSON body may be an array as well as an object (its body schema bounds it); every other route's is an object. */
  arrayBody?: boolean;
}

export const FUNCTIONS = {
  'create-order': {
    routes: [{ method: 'POST', path: '/v1/orders' }],
    provider: 'skippay',
    secret: 'skip',
    // PAYMENTS_TABLE: Idempotency-Key records (shared/state/idempotency.ts).
    settings: ['STAGE', 'SKIPPAY_API_URL', 'SKIP_SECRET_ID', 'UPSTREAM_TIMEOUT_MS', 'PAYMENTS_TABLE'],
    // Powertools Idempotency: conditional put (in progress), get (replay), update (done), delete (failed);
    // the order and its attempt: conditional puts and a read-modify-write of the order.
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  },
  'create-widget-session': {
    routes: [{ method: 'POST', path: '/v1/widget-sessions' }],
    provider: 'skip-backend',
    secret: 'skip',
    // PAYMENTS_TABLE: an order_token must name one of the caller's own SkipPay orders (one read, no index).
    settings: ['STAGE', 'SKIP_BACKEND_URL', 'SPOT_WIDGET_URL', 'SKIP_SECRET_ID', 'UPSTREAM_TIMEOUT_MS', 'PAYMENTS_TABLE'],
    table: ['GetItem'],
  },
  'create-etpay-session': {
    routes: [{ method: 'POST', path: '/v1/etpay/sessions' }],
    provider: 'etpay',
    secret: 'etpay',
    settings: [
      'STAGE',
      'ETPAY_API_URL',
      'ETPAY_SECRET_ID',
      'ETPAY_RETURN_ORIGINS',
      'ETPAY_PAYMENT_URL',
      'ETPAY_WEBHOOK_URL',
      'UPSTREAM_TIMEOUT_MS',
      'PAYMENTS_TABLE',
    ],
    // The order (conditional put, read for the amount rule, versioned rewrite) and the session attempt.
    table: ['GetItem', 'PutItem'],
  },
  'confirm-etpay-payment': {
    routes: [{ method: 'POST', path: '/v1/etpay/confirmations' }],
    provider: 'etpay',
    settings: ['STAGE', 'PAYMENTS_TABLE'],
    // Reads the session; writes the result once (deleted again if the state update after it fails) and
    // moves the attempt and its order (versioned rewrites); clears the order's unpublished-event mark.
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    publishesEvents: true,
  },
  'receive-etpay-notification': {
    routes: [{ method: 'POST', path: '/v1/etpay/notifications' }],
    provider: 'etpay',
    // The ETpay secret and API only to pull a session's status when a delivery is not the signed JWT shape.
    secret: 'etpay',
    settings: ['STAGE', 'PAYMENTS_TABLE', 'ETPAY_API_URL', 'ETPAY_SECRET_ID', 'UPSTREAM_TIMEOUT_MS'],
    // The result once, the attempt and order (versioned rewrites), the order's unpublished-event mark.
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    publishesEvents: true,
    public: true,
    // ETpay's status answer is an array, and ETpay calls its format identical to the notification's.
    arrayBody: true,
  },
  'receive-skippay-webhook': {
    routes: [{ method: 'POST', path: '/v1/webhooks/skippay' }],
    provider: 'skippay',
    // For SKIPPAY_WEBHOOK_SECRET only; the route fails closed without it.
    secret: 'skip',
    // SKIPPAY_API_URL: an event about a known order whose status cannot be read pulls the order.
    settings: ['STAGE', 'SKIP_SECRET_ID', 'PAYMENTS_TABLE', 'SKIPPAY_API_URL', 'UPSTREAM_TIMEOUT_MS'],
    // The raw event once; then the attempt (read) and its order (versioned rewrites, the unpublished-event mark).
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    publishesEvents: true,
    public: true,
  },
  'get-payment-status': {
    routes: [
      { method: 'GET', path: '/v1/payments/etpay/{merchant_order_id}', provider: 'etpay' },
      { method: 'GET', path: '/v1/payments/skippay/{order_token}', provider: 'skippay' },
    ],
    // ?refresh=true pulls a pending order's provider first (rate-limited per order by an UpdateItem).
    secrets: ['etpay', 'skip'],
    settings: ['STAGE', 'PAYMENTS_TABLE', 'ETPAY_API_URL', 'ETPAY_SECRET_ID', 'SKIPPAY_API_URL', 'SKIP_SECRET_ID', 'UPSTREAM_TIMEOUT_MS'],
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    publishesEvents: true,
  },
  'list-payments': {
    routes: [{ method: 'GET', path: '/v1/payments' }],
    settings: ['STAGE', 'PAYMENTS_TABLE'],
    // The owner's orders through the orders-by-owner index; nothing on the table itself.
    index: ['Query'],
  },
  'reconcile-payments': {
    // No route: the stage's EventBridge schedule invokes it with the scheduled event (contract v1.1).
    routes: [],
    schedule: { everyMinutes: 5 },
    secrets: ['etpay', 'skip'],
    settings: ['STAGE', 'PAYMENTS_TABLE', 'ETPAY_API_URL', 'ETPAY_SECRET_ID', 'SKIPPAY_API_URL', 'SKIP_SECRET_ID', 'UPSTREAM_TIMEOUT_MS'],
    // Reads each due attempt, records results (once per ETpay payment_token), moves or clears its next check.
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    dueIndex: ['Query'],
    publishesEvents: true,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];
/** The functions behind API routes (every one but the scheduled ones). */
export type RouteFunctionName = { [F in FunctionName]: (typeof FUNCTIONS)[F] extends { schedule: object } ? never : F }[FunctionName];
export const ROUTE_FUNCTION_NAMES = FUNCTION_NAMES.filter((name) => !('schedule' in FUNCTIONS[name])) as RouteFunctionName[];

/** Every secret a function may read: its `secret`, or the `secrets` of a function that pulls both providers. */
export const secretsOf = (spec: FunctionSpec): readonly SecretName[] => spec.secrets ?? (spec.secret === undefined ? [] : [spec.secret]);

/** `POST /v1/orders`: API Gateway's route key, as `event.routeKey` carries it. */
export const routeKey = (route: RouteSpec): string => `${route.method} ${route.path}`;

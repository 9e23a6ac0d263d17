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

/** Single-item DynamoDB actions on the payments table (no scans or queries anywhere). */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

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
  /** The upstream it calls or whose flow it serves (metrics dimension), if any. */
  provider?: Provider;
  /** The one Secrets Manager secret it may read (`ctx.secret()` in its route). */
  secret?: SecretName;
  /** Environment variables it reads; optional ones may be absent. */
  settings: readonly SettingName[];
  /** What it does on the payments table (PAYMENTS_TABLE): its role is granted exactly these. */
  table?: readonly TableAction[];
  /** Called by a provider, not by a clinic frontend: no clinic authorizer. */
  public?: boolean;
}

export const FUNCTIONS = {
  'create-order': {
    routes: [{ method: 'POST', path: '/v1/orders' }],
    provider: 'skippay',
    secret: 'skip',
    // PAYMENTS_TABLE: Idempotency-Key records (shared/state/idempotency.ts).
    settings: ['STAGE', 'SKIPPAY_API_URL', 'SKIP_SECRET_ID', 'UPSTREAM_TIMEOUT_MS', 'PAYMENTS_TABLE'],
    // Powertools Idempotency: conditional put (in progress), get (replay), update (done), delete (failed).
    table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  },
  'create-widget-session': {
    routes: [{ method: 'POST', path: '/v1/widget-sessions' }],
    provider: 'skip-backend',
    secret: 'skip',
    settings: ['STAGE', 'SKIP_BACKEND_URL', 'SPOT_WIDGET_URL', 'SKIP_SECRET_ID', 'UPSTREAM_TIMEOUT_MS'],
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
    table: ['PutItem'], // the session record
  },
  'confirm-etpay-payment': {
    routes: [{ method: 'POST', path: '/v1/etpay/confirmations' }],
    provider: 'etpay',
    settings: ['STAGE', 'PAYMENTS_TABLE'],
    // Reads the session; writes the result once (deleted again if the state update after it fails).
    table: ['GetItem', 'PutItem', 'DeleteItem'],
  },
  'receive-etpay-notification': {
    routes: [{ method: 'POST', path: '/v1/etpay/notifications' }],
    provider: 'etpay',
    settings: ['STAGE', 'PAYMENTS_TABLE'],
    table: ['GetItem', 'PutItem', 'DeleteItem'],
    public: true,
  },
  'receive-skippay-webhook': {
    routes: [{ method: 'POST', path: '/v1/webhooks/skippay' }],
    provider: 'skippay',
    // For SKIPPAY_WEBHOOK_SECRET only; the route fails closed without it.
    secret: 'skip',
    settings: ['STAGE', 'SKIP_SECRET_ID', 'PAYMENTS_TABLE'],
    table: ['PutItem', 'DeleteItem'],
    public: true,
  },
  'get-payment-status': {
    routes: [
      { method: 'GET', path: '/v1/payments/etpay/{merchant_order_id}', provider: 'etpay' },
      { method: 'GET', path: '/v1/payments/skippay/{order_token}', provider: 'skippay' },
    ],
    settings: ['STAGE', 'PAYMENTS_TABLE'],
    table: ['GetItem'],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** `POST /v1/orders`: API Gateway's route key, as `event.routeKey` carries it. */
export const routeKey = (route: RouteSpec): string => `${route.method} ${route.path}`;

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
  /** The upstream it calls or whose flow it serves (metrics dimension), if any. */
  provider?: Provider;
  /** The one Secrets Manager secret it may read (`ctx.secret()` in its route). */
  secret?: SecretName;
  /** Environment variables it reads; optional ones may be absent. */
  settings: readonly SettingName[];
  /** What it does on the payments table (PAYMENTS_TABLE): its role is granted exactly these. */
  table?: readonly TableAction[];
  /** What it does on the table's orders-by-owner index: granted on the index ARN only. */
  index?: readonly IndexAction[];
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
    // Powertools Idempotency: conditional put (in progress), get (replay), update (done), delete (failed);
    // the order and its attempt: conditional puts and a read-modify-write of the order.
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
    // The order (conditional put, read for the amount rule, versioned rewrite) and the session attempt.
    table: ['GetItem', 'PutItem'],
  },
  'confirm-etpay-payment': {
    routes: [{ method: 'POST', path: '/v1/etpay/confirmations' }],
    provider: 'etpay',
    settings: ['STAGE', 'PAYMENTS_TABLE'],
    // Reads the session; writes the result once (deleted again if the state update after it fails) and
    // moves the attempt and its order (versioned rewrites).
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
    // The raw event once; then the attempt (read) and its order (versioned rewrites).
    table: ['GetItem', 'PutItem', 'DeleteItem'],
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
  'list-payments': {
    routes: [{ method: 'GET', path: '/v1/payments' }],
    settings: ['STAGE', 'PAYMENTS_TABLE'],
    // The owner's orders through the orders-by-owner index; nothing on the table itself.
    index: ['Query'],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** `POST /v1/orders`: API Gateway's route key, as `event.routeKey` carries it. */
export const routeKey = (route: RouteSpec): string => `${route.method} ${route.path}`;

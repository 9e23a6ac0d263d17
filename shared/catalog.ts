// The one list of the API's routes and the Lambda functions behind them. The build, the stack and the
// local server all read it, so a route, its bundle, its secret and its settings cannot drift apart.
import type { Provider } from './observability/metric-names.ts';

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
  | 'PAYMENTS_TABLE';

export type SecretName = 'skip' | 'etpay';

export interface FunctionSpec {
  method: 'GET' | 'POST';
  path: string;
  /** The upstream it calls (metrics dimension), if any. */
  provider?: Provider;
  /** The one Secrets Manager secret it may read. */
  secret?: SecretName;
  /** Environment variables it reads; optional ones may be absent. */
  settings: readonly SettingName[];
  /** Called by a provider, not by a clinic frontend: no clinic authorizer. */
  public?: boolean;
}

export const FUNCTIONS = {
  'create-order': {
    method: 'POST',
    path: '/v1/orders',
    provider: 'skippay',
    secret: 'skip',
    settings: ['STAGE', 'SKIPPAY_API_URL', 'SKIP_SECRET_ID', 'UPSTREAM_TIMEOUT_MS'],
  },
  'create-widget-session': {
    method: 'POST',
    path: '/v1/widget-sessions',
    provider: 'skip-backend',
    secret: 'skip',
    settings: ['STAGE', 'SKIP_BACKEND_URL', 'SPOT_WIDGET_URL', 'SKIP_SECRET_ID', 'UPSTREAM_TIMEOUT_MS'],
  },
  'create-etpay-session': {
    method: 'POST',
    path: '/v1/etpay/sessions',
    provider: 'etpay',
    secret: 'etpay',
    settings: [
      'STAGE',
      'ETPAY_API_URL',
      'ETPAY_SECRET_ID',
      'ETPAY_RETURN_ORIGINS',
      'ETPAY_PAYMENT_URL',
      'UPSTREAM_TIMEOUT_MS',
    ],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

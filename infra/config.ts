// Everything that differs between staging and production, typed, in one place. The stack class is the same
// for both stages; it reads only a StageConfig. Values may be overridden per stage with CDK context
// (`-c production.corsOrigins=https://a.cl,https://b.cl`), but the defaults below must synth offline.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { SecretName } from '../shared/catalog.ts';
import { DEFAULT_UPSTREAM_TIMEOUT_MS } from '../shared/limits.ts';

/** The stages the stack deploys; a function may also run in `local` (shared/config/settings.ts's STAGES). */
export const DEPLOY_STAGES = ['staging', 'production'] as const;
export type DeployStage = (typeof DEPLOY_STAGES)[number];

export const stackName = (stage: DeployStage): string => `ClinicPaymentsApi-${stage}`;

/**
 * Memory of every function. Memory is not the limit, CPU is: Lambda's CPU scales with memory, so 1,024 MB
 * roughly halves the cold start a patient waits through, for cents a month (measured: docs/performance.md,
 * "Memory"). The one place to change it.
 */
export const FUNCTION_MEMORY_MB = 1024;

/** Every stage's provider deadline (UPSTREAM_TIMEOUT_MS): the code's default, kept below the contract's 10 s. */
export const UPSTREAM_TIMEOUT_MS = DEFAULT_UPSTREAM_TIMEOUT_MS;

/**
 * One Cognito app client per clinic system or frontend (contract v1.1), created by DevOps by adding it
 * here (or with `-c <stage>.cognitoServerClients=a,b`) and deploying (README, Authenticating).
 * - `server`: a clinic's backend; client-credentials grant with a client secret.
 * - `browser`: a clinic's frontend; authorization code + PKCE through the hosted login, no secret.
 */
export type ClinicAppClient =
  | { name: string; kind: 'server' }
  | { name: string; kind: 'browser'; callbackUrls: readonly string[]; logoutUrls?: readonly string[] };

/** Who may call the clinic routes. */
export type AuthorizerConfig =
  /**
   * The clinic's own identity provider: the JWT authorizer checks `iss` and `aud` (or `client_id`), and the
   * routes require its scope names for writing and reading (default: the Cognito resource server's names).
   */
  | { kind: 'jwt'; issuer: string; audience: readonly string[]; scopes?: { write: string; read: string } }
  /**
   * A Cognito user pool the stack creates for the stage, with the `clinic-payments` resource server, a
   * hosted domain (for /oauth2/token and the hosted login) and the clinics' app clients.
   */
  | { kind: 'cognito-user-pool'; clients?: readonly ClinicAppClient[]; domainPrefix?: string };

export interface AlarmConfig {
  /** Production always pages; staging may stay silent while its sandboxes are flaky. */
  actionsEnabled: boolean;
  emails: readonly string[];
  /** HTTPS endpoint of the pager (e.g. an incident tool's SNS integration URL). */
  pagerUrl?: string;
  /** UpstreamFailure Sum over 5 minutes, per provider, that pages. */
  upstreamFailureThreshold: number;
  /** HTTP API 5xx Sum over 5 minutes that pages. */
  api5xxThreshold: number;
  /** HTTP API p99 Latency (ms), sustained over three 5-minute periods, that pages. */
  latencyP99Ms: number;
}

export interface StageConfig {
  stage: DeployStage;
  /** Hosts per stage, from Skip's "Ambientes y URLs base" (shared/provider-docs/skip-environments.es.txt). */
  skip: { payApiUrl: string; backendUrl: string; spotWidgetUrl: string };
  etpay: {
    apiUrl: string;
    /** Optional: where set, the API hands out `payment_url` (the redirect flow). */
    paymentUrl?: string;
    /**
     * Where ETpay posts payment results. Unset: the stack's own notification route on the API's URL, where
     * the catalog has one. Set it for a custom domain.
     */
    webhookUrl?: string;
    /** Origins allowed in `payment_completed_url` / `payment_cancellation_url` (no open redirects). */
    returnOrigins: readonly string[];
  };
  /** Exact CORS allowlist of the clinic frontends. */
  corsOrigins: readonly string[];
  /** Unset means a Cognito pool in staging; production refuses to synth without an explicit choice. */
  authorizer?: AuthorizerConfig;
  throttle: { rateLimit: number; burstLimit: number };
  alarms: AlarmConfig;
  logRetention: RetentionDays;
  upstreamTimeoutMs: number;
}

// Clinic frontends that may call the API and receive the payer back from ETpay. Placeholders until the
// clinics send their real origins: override with `-c <stage>.corsOrigins=...` / `etpayReturnOrigins`.
const STAGING_CLINIC_ORIGINS = ['https://staging.clinica.example'];
// TO BE CONFIRMED: the production clinic origins.
const PRODUCTION_CLINIC_ORIGINS = ['https://pagos.clinica.example'];

export const STAGE_CONFIGS: Readonly<Record<DeployStage, StageConfig>> = {
  staging: {
    stage: 'staging',
    skip: {
      payApiUrl: 'https://staging.pay.getskip.ai',
      backendUrl: 'https://staging.backend.getskip.ai/api',
      spotWidgetUrl: 'https://staging.spot.getskip.ai',
    },
    // ETpay hands out its URLs at onboarding; these sandbox placeholders must be replaced by theirs.
    etpay: {
      apiUrl: 'https://api-sandbox.etpay.example',
      paymentUrl: 'https://pmt-sandbox.etpay.example',
      returnOrigins: STAGING_CLINIC_ORIGINS,
    },
    // A frontend developer's local server may call staging too (never production).
    corsOrigins: [...STAGING_CLINIC_ORIGINS, 'http://localhost:5173'],
    // No clinic IdP yet: the stack creates the stage's Cognito pool.
    throttle: { rateLimit: 20, burstLimit: 40 },
    alarms: {
      actionsEnabled: false,
      emails: [],
      upstreamFailureThreshold: 10,
      api5xxThreshold: 10,
      latencyP99Ms: 5_000,
    },
    logRetention: RetentionDays.ONE_MONTH,
    upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
  },
  production: {
    stage: 'production',
    skip: {
      payApiUrl: 'https://pay.getskip.ai',
      backendUrl: 'https://backend.getskip.ai/api',
      spotWidgetUrl: 'https://spot.getskip.ai',
    },
    etpay: {
      // TO BE CONFIRMED by ETpay at onboarding (placeholder, will not resolve).
      apiUrl: 'https://api.etpay.example',
      // Left unset until ETpay confirms its production payment URL: no `payment_url` in answers until then.
      returnOrigins: PRODUCTION_CLINIC_ORIGINS,
    },
    corsOrigins: PRODUCTION_CLINIC_ORIGINS,
    // The explicit opt-in production requires: replace with the clinic's IdP
    // (`-c production.jwtIssuer=... -c production.jwtAudience=...`) once it is known.
    authorizer: { kind: 'cognito-user-pool' },
    throttle: { rateLimit: 50, burstLimit: 100 },
    alarms: {
      actionsEnabled: true,
      // TO BE CONFIRMED: the on-call addresses and pager endpoint.
      emails: ['payments-oncall@clinica.example'],
      pagerUrl: 'https://pager.clinica.example/integrations/sns/clinic-payments',
      upstreamFailureThreshold: 3,
      api5xxThreshold: 5,
      latencyP99Ms: 5_000,
    },
    // Long enough to investigate a disputed payment with a provider; the logs hold masked data only.
    logRetention: RetentionDays.SIX_MONTHS,
    upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
  },
};

/** Reads one CDK context value (`app.node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

const list = (value: unknown, key: string): string[] | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  throw new Error(`context ${key}: expected a comma-separated string or a list of strings`);
};

const text = (value: unknown, key: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  throw new Error(`context ${key}: expected a non-empty string`);
};

const flag = (value: unknown, key: string): boolean | undefined => {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`context ${key}: expected true or false`);
};

/**
 * The stage's config with its context overrides (keys prefixed by the stage, so one `cdk synth` of both
 * stacks cannot leak a production value into staging).
 */
export const resolveStageConfig = (stage: DeployStage, read: ContextReader): StageConfig => {
  const base = STAGE_CONFIGS[stage];
  const get = (name: string): [unknown, string] => [read(`${stage}.${name}`), `${stage}.${name}`];

  const issuer = text(...get('jwtIssuer'));
  const audience = list(...get('jwtAudience'));
  if ((issuer === undefined) !== (audience === undefined)) {
    throw new Error(`context ${stage}.jwtIssuer and ${stage}.jwtAudience go together`);
  }
  const serverClients = list(...get('cognitoServerClients'));
  const cognito = base.authorizer?.kind === 'jwt' ? undefined : base.authorizer;
  const cognitoOverride: AuthorizerConfig | undefined =
    serverClients === undefined
      ? undefined
      : {
          kind: 'cognito-user-pool',
          ...cognito,
          clients: [...(cognito?.clients ?? []), ...serverClients.map((name) => ({ name, kind: 'server' as const }))],
        };

  return {
    ...base,
    etpay: {
      ...base.etpay,
      apiUrl: text(...get('etpayApiUrl')) ?? base.etpay.apiUrl,
      paymentUrl: text(...get('etpayPaymentUrl')) ?? base.etpay.paymentUrl,
      webhookUrl: text(...get('etpayWebhookUrl')) ?? base.etpay.webhookUrl,
      returnOrigins: list(...get('etpayReturnOrigins')) ?? base.etpay.returnOrigins,
    },
    corsOrigins: list(...get('corsOrigins')) ?? base.corsOrigins,
    ...(cognitoOverride ? { authorizer: cognitoOverride } : {}),
    ...(issuer !== undefined && audience !== undefined
      ? { authorizer: { kind: 'jwt', issuer, audience } }
      : {}),
    alarms: {
      ...base.alarms,
      actionsEnabled: flag(...get('alarmActionsEnabled')) ?? base.alarms.actionsEnabled,
      emails: list(...get('alarmEmails')) ?? base.alarms.emails,
      pagerUrl: text(...get('alarmPagerUrl')) ?? base.alarms.pagerUrl,
    },
  };
};

/** The deployment contract's secret names; DevOps creates the values, the stack only references them. */
export const secretName = (stage: DeployStage, secret: SecretName): string => `clinic-payments/${stage}/${secret}`;

// Settings come from the function's environment, read and validated once per container, on first use:
// a missing or bad setting answers CONFIGURATION_ERROR for the request instead of crashing the import.
import * as z from 'zod/mini';
import type { SettingName } from '../catalog.ts';
import { configurationError } from '../errors.ts';
import { DEFAULT_UPSTREAM_TIMEOUT_MS, MAX_UPSTREAM_TIMEOUT_MS } from '../limits.ts';

/** Every stage a function may run in: the deployed ones (infra/config.ts's DEPLOY_STAGES) and `local`. */
export const STAGES = ['local', 'staging', 'production'] as const;
export type Stage = (typeof STAGES)[number];


const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const origins = z.pipe(
  z.string(),
  z.transform((raw, ctx) => {
    const list = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
    const parsed: string[] = [];
    for (const entry of list) {
      const origin = URL.canParse(entry) ? new URL(entry).origin : 'null';
      if (origin === 'null' || origin !== entry.replace(/\/$/, '')) {
        ctx.issues.push({ code: 'custom', input: entry, message: 'each entry must be a bare origin' });
      } else parsed.push(origin);
    }
    return parsed;
  }),
);

const SCHEMAS = {
  STAGE: z.enum(STAGES),
  SKIPPAY_API_URL: url,
  SKIP_BACKEND_URL: url,
  SPOT_WIDGET_URL: url,
  ETPAY_API_URL: url,
  ETPAY_PAYMENT_URL: z.optional(url),
  ETPAY_WEBHOOK_URL: z.optional(url),
  ETPAY_RETURN_ORIGINS: origins,
  SKIP_SECRET_ID: z.string().check(z.minLength(1)),
  ETPAY_SECRET_ID: z.string().check(z.minLength(1)),
  UPSTREAM_TIMEOUT_MS: z._default(
    z.coerce.number().check(z.int(), z.gte(100), z.lte(MAX_UPSTREAM_TIMEOUT_MS)),
    DEFAULT_UPSTREAM_TIMEOUT_MS,
  ),
  PAYMENTS_TABLE: z.string().check(z.minLength(1)),
  // The stage's bus (`clinic-payments-<stage>`), by name or ARN, as PutEvents' EventBusName takes it.
  PAYMENTS_EVENT_BUS: z.string().check(
    z.regex(/^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._\-/]{1,256}$/, 'must be an event bus name or ARN'),
  ),
} satisfies Record<SettingName, z.ZodMiniType>;

export type SettingValues = { [K in SettingName]: z.output<(typeof SCHEMAS)[K]> };
export type Settings<N extends SettingName> = Pick<SettingValues, N>;

/** Which settings are URLs a deployed stage must reach over TLS. */
const URL_SETTINGS = new Set<SettingName>([
  'SKIPPAY_API_URL',
  'SKIP_BACKEND_URL',
  'SPOT_WIDGET_URL',
  'ETPAY_API_URL',
  'ETPAY_PAYMENT_URL',
  'ETPAY_WEBHOOK_URL',
]);

const cache = new Map<string, unknown>();

/**
 * The named settings, validated. `http://` is only accepted in the `local` stage.
 * Throws CONFIGURATION_ERROR naming the variables (never their values).
 */
export const loadSettings = <const N extends SettingName>(
  names: readonly N[],
  env: NodeJS.ProcessEnv = process.env,
): Settings<N> => {
  const key = names.join(',');
  const cached = cache.get(key);
  if (cached && env === process.env) return cached as Settings<N>;

  const values: Partial<Record<SettingName, unknown>> = {};
  const problems: string[] = [];
  const stage = SCHEMAS.STAGE.safeParse(env.STAGE);
  for (const name of names) {
    const raw = env[name] === '' ? undefined : env[name];
    const result = SCHEMAS[name].safeParse(raw);
    if (!result.success) problems.push(`${name} is ${raw === undefined ? 'missing' : 'invalid'}`);
    else if (
      URL_SETTINGS.has(name) &&
      typeof result.data === 'string' &&
      result.data.startsWith('http:') &&
      !(stage.success && stage.data === 'local')
    ) {
      problems.push(`${name} must be https outside the local stage`);
    } else values[name] = result.data;
  }
  if (problems.length > 0) throw configurationError(`settings: ${problems.join('; ')}`);
  if (env === process.env) cache.set(key, values);
  return values as Settings<N>;
};

/** Tests only: forget what was read, as a new container would. */
export const resetSettingsCache = (): void => cache.clear();

// The one structured JSON logger: a line per call with the keys Powertools Logger writes (level, message,
// timestamp, service, cold_start, function_*, xray_trace_id), the request's keys (request-scope.ts), and
// redaction on every value but the logger's own. Hand-written rather than Powertools Logger: a request
// writes one line, and the library's per-line merging cost a measurable share of a warm request and of each
// bundle (docs/performance.md has the figures).
import { SERVICE_NAME } from './metric-names.ts';
import { redactingReplacer } from './redact.ts';
import { currentRequest } from './request-scope.ts';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const THRESHOLDS: Readonly<Record<string, number>> = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 };

/**
 * Lambda's log-level control (AWS_LAMBDA_LOG_LEVEL) first, then POWERTOOLS_LOG_LEVEL and LOG_LEVEL, as
 * Powertools reads them; INFO by default. Read once per invocation (a test or `npm start` may change it
 * between two), per line outside one.
 */
const readThreshold = (): number => {
  const { env } = process;
  const name = (env.AWS_LAMBDA_LOG_LEVEL || env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL || 'INFO').toUpperCase();
  return THRESHOLDS[name] ?? 12;
};

/**
 * An Error as Powertools writes one (JSON.stringify alone gives `{}`), its class under `type` (redaction
 * takes any `name` for a person's); its strings are then redacted like any other.
 */
const errorFields = (error: Error): Record<string, unknown> => ({
  type: error.name,
  message: error.message,
  stack: error.stack,
  ...(error.cause === undefined ? {} : { cause: error.cause }),
});

const replacer = (key: string, value: unknown): unknown => redactingReplacer(key, value instanceof Error ? errorFields(value) : value);

/** Lambda sets _X_AMZN_TRACE_ID per invocation. */
const readTraceId = (): string | undefined => {
  const header = process.env._X_AMZN_TRACE_ID;
  return header ? /Root=([^;]+)/.exec(header)?.[1] : undefined;
};

/** The keys the logger itself writes: trusted values, not scrubbed (an ARN's account id is no phone number). */
const OWN_KEYS = ['level', 'message', 'timestamp', 'service', 'cold_start', 'function_arn', 'function_memory_size', 'function_name', 'function_request_id', 'xray_trace_id'] as const;

const write = (level: Level, message: string, fields?: Record<string, unknown>): void => {
  const scope = currentRequest();
  const threshold = scope ? (scope.logThreshold ??= readThreshold()) : readThreshold();
  if (THRESHOLDS[level]! < threshold) return;
  const lambda = scope?.lambda;
  const own = JSON.stringify({
    level,
    message,
    timestamp: new Date().toISOString(),
    service: SERVICE_NAME,
    ...(lambda && {
      cold_start: scope.coldStart,
      function_arn: lambda.invokedFunctionArn,
      function_memory_size: Number(lambda.memoryLimitInMB),
      function_name: lambda.functionName,
      function_request_id: lambda.awsRequestId,
    }),
    xray_trace_id: (scope ? (scope.traceId ??= readTraceId() ?? null) : readTraceId()) ?? undefined,
  });
  const rest: Record<string, unknown> = { ...scope?.keys, ...fields };
  for (const key of OWN_KEYS) if (key in rest) delete rest[key];
  // Everything else (the request's keys, the caller's fields) goes through redaction.
  const redacted = JSON.stringify(rest, replacer);
  process.stdout.write(redacted === '{}' ? `${own}\n` : `${own.slice(0, -1)},${redacted.slice(1)}\n`);
};

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>): void => write('DEBUG', message, fields),
  info: (message: string, fields?: Record<string, unknown>): void => write('INFO', message, fields),
  warn: (message: string, fields?: Record<string, unknown>): void => write('WARN', message, fields),
  error: (message: string, fields?: Record<string, unknown>): void => write('ERROR', message, fields),
  /** Keys every later line of the current request carries (ignored outside a request). */
  appendKeys: (keys: Record<string, unknown>): void => {
    const scope = currentRequest();
    if (scope) Object.assign(scope.keys, keys);
  },
};

// The one EMF metrics format. Names and dimensions come from metric-names.ts, which the alarms in infra/
// import too, so the two cannot drift. Written out rather than through Powertools Metrics: we emit a few
// fixed metrics with three fixed dimensions, and the library cost bundle size and time per request
// (docs/performance.md has the figures). The document is the one Powertools printed; during a request it rides on the
// request's log line (request-log.ts), where CloudWatch extracts it just the same.
import { isUpstreamFailure, type ErrorCode } from '../errors.ts';
import type { Provider } from '../providers/provider.ts';
import { Dimension, METRICS_NAMESPACE, MetricName, SERVICE_NAME } from './metric-names.ts';

type Unit = 'Count' | 'Milliseconds';
export type MetricEntry = readonly [name: string, unit: Unit, value: number];

// Powertools' switches, with its precedence: POWERTOOLS_METRICS_DISABLED when set, else POWERTOOLS_DEV.
const TRUE = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const flag = (name: string): boolean | undefined => {
  const value = process.env[name];
  return value === undefined ? undefined : TRUE.has(value.trim().toLowerCase());
};
const disabled = flag('POWERTOOLS_METRICS_DISABLED') ?? flag('POWERTOOLS_DEV') ?? false;

const DIMENSIONS = [[Dimension.Service, Dimension.Stage, Dimension.Provider]];

// The directive (namespace, dimensions, metric names and units) depends only on which metrics a document
// carries, a handful of combinations: built once each.
const directives = new Map<string, unknown>();
const directiveFor = (entries: readonly MetricEntry[]): unknown => {
  const key = entries.map(([name, unit]) => `${name}:${unit}`).join(',');
  let directive = directives.get(key);
  if (directive === undefined) {
    directive = [{ Namespace: METRICS_NAMESPACE, Dimensions: DIMENSIONS, Metrics: entries.map(([name, unit]) => ({ Name: name, Unit: unit })) }];
    directives.set(key, directive);
  }
  return directive;
};

/**
 * One EMF document's fields but `service`: `_aws`, the stage and provider dimensions, a value per metric
 * (nothing if metrics are disabled). On a log line the logger's own `service` (the same SERVICE_NAME) is
 * the third dimension: Powertools Logger keeps that key to itself.
 */
export const emfFields = (provider: Provider, entries: readonly MetricEntry[]): Record<string, unknown> => {
  if (disabled || entries.length === 0) return {};
  const document: Record<string, unknown> = {
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: directiveFor(entries) },
    // Read per emission, not at import: the stage is the function's setting, like everything else.
    [Dimension.Stage]: process.env.STAGE || 'unknown',
    [Dimension.Provider]: provider,
  };
  for (const [name, , value] of entries) document[name] = value;
  return document;
};

/** The whole document as a line of its own. */
export const publish = (provider: Provider, entries: readonly MetricEntry[]): void => {
  const fields = emfFields(provider, entries);
  if ('_aws' in fields) process.stdout.write(`${JSON.stringify({ ...fields, [Dimension.Service]: SERVICE_NAME })}\n`);
};

/** One provider call's outcome (`ok`, or the contract code it ended in) and its wall time. */
export const upstreamOutcomeMetrics = (outcome: 'ok' | ErrorCode, latencyMs: number): MetricEntry[] => [
  [outcome === 'ok' ? MetricName.UpstreamSuccess : isUpstreamFailure(outcome) ? MetricName.UpstreamFailure : MetricName.UpstreamRejected, 'Count', 1],
  [MetricName.UpstreamLatency, 'Milliseconds', Math.round(latencyMs)],
];

export const CONFIGURATION_ERROR_METRICS: readonly MetricEntry[] = [[MetricName.ConfigurationError, 'Count', 1]];

export const EVENT_PUBLISH_FAILED_METRICS: readonly MetricEntry[] = [[MetricName.EventPublishFailed, 'Count', 1]];

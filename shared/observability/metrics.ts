// The one EMF metrics emitter. Names and dimensions come from metric-names.ts, which the alarms in infra/
// import too, so the two cannot drift. Written out rather than through Powertools Metrics: we emit a few
// fixed metrics with three fixed dimensions, and the library cost ~15 KiB per bundle and ~30 µs per
// request (npm run bench). The line is the same EMF document Powertools printed.
import { isUpstreamFailure, type ErrorCode } from '../errors.ts';
import { Dimension, METRICS_NAMESPACE, MetricName, SERVICE_NAME, type Provider } from './metric-names.ts';

type Unit = 'Count' | 'Milliseconds';

// Powertools' switches, with its precedence: POWERTOOLS_METRICS_DISABLED when set, else POWERTOOLS_DEV.
const TRUE = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const flag = (name: string): boolean | undefined => {
  const value = process.env[name];
  return value === undefined ? undefined : TRUE.has(value.trim().toLowerCase());
};
const disabled = flag('POWERTOOLS_METRICS_DISABLED') ?? flag('POWERTOOLS_DEV') ?? false;

const DIMENSIONS = [[Dimension.Service, Dimension.Stage, Dimension.Provider]];

const publish = (provider: Provider, entries: readonly (readonly [string, Unit, number])[]): void => {
  if (disabled) return;
  const document: Record<string, unknown> = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: DIMENSIONS, Metrics: entries.map(([name, unit]) => ({ Name: name, Unit: unit })) }],
    },
    [Dimension.Service]: SERVICE_NAME,
    // Read per emission, not at import: the stage is the function's setting, like everything else.
    [Dimension.Stage]: process.env.STAGE || 'unknown',
    [Dimension.Provider]: provider,
  };
  for (const [name, , value] of entries) document[name] = value;
  process.stdout.write(`${JSON.stringify(document)}\n`);
};

/** One provider call's outcome: `ok`, or the contract code it ended in. */
export const recordUpstreamOutcome = (provider: Provider, outcome: 'ok' | ErrorCode, latencyMs: number): void => {
  const name =
    outcome === 'ok'
      ? MetricName.UpstreamSuccess
      : isUpstreamFailure(outcome)
        ? MetricName.UpstreamFailure
        : MetricName.UpstreamRejected;
  publish(provider, [
    [name, 'Count', 1],
    [MetricName.UpstreamLatency, 'Milliseconds', Math.round(latencyMs)],
  ]);
};

export const recordConfigurationError = (provider: Provider): void => {
  publish(provider, [[MetricName.ConfigurationError, 'Count', 1]]);
};

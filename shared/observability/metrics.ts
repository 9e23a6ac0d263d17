// The one EMF metrics emitter (Powertools Metrics). Names and dimensions come from metric-names.ts,
// which the alarms in infra/ import too, so the two cannot drift.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
import { isUpstreamFailure, type ErrorCode } from '../errors.ts';
import { Dimension, METRICS_NAMESPACE, MetricName, SERVICE_NAME, type Provider } from './metric-names.ts';

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

const publish = (provider: Provider, entries: [string, Unit, number][]): void => {
  // Read per emission, not at import: the stage is the function's setting, like everything else.
  metrics.addDimensions({ [Dimension.Stage]: process.env.STAGE || 'unknown', [Dimension.Provider]: provider });
  for (const [name, unit, value] of entries) metrics.addMetric(name, unit, value);
  metrics.publishStoredMetrics();
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
    [name, MetricUnit.Count, 1],
    [MetricName.UpstreamLatency, MetricUnit.Milliseconds, Math.round(latencyMs)],
  ]);
};

export const recordConfigurationError = (provider: Provider): void => {
  publish(provider, [[MetricName.ConfigurationError, MetricUnit.Count, 1]]);
};

// One line per request (a "canonical log line"): what a request did upstream, and its EMF metrics, ride on
// the access line contractEdge writes at its end, instead of a log line and a metric line per provider
// call. Every write to stdout is a syscall on the request's path, and in Lambda a log event: three became
// one (docs/performance.md). Outside a request (a script, a test calling a provider client directly) the same
// facts are written at once, as their own lines.
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { emfFields, publish, type MetricEntry } from './metrics.ts';
import type { Provider } from '../providers/provider.ts';
import { currentRequest, withRequestScope, type RequestScope } from './request-scope.ts';

/** What one provider call contributes to its request's line: `upstream_*` fields, one provider's metrics. */
export interface UpstreamReport {
  provider: Provider;
  /** The `upstream_*` log fields (operation, outcome, attempts, ms, http_status, reason). */
  fields: Record<string, unknown>;
  metrics: readonly MetricEntry[];
  /** How the call's own line is logged when it cannot ride on a request line. */
  level: 'info' | 'warn';
}

const writeAlone = (report: UpstreamReport): void => {
  publish(report.provider, report.metrics);
  if (Object.keys(report.fields).length > 0) {
    logger[report.level](report.level === 'info' ? 'upstream call' : 'upstream call failed', { provider: report.provider, ...report.fields });
  }
};

const pendingOf = (scope: RequestScope | undefined): UpstreamReport | undefined => scope?.pending as UpstreamReport | undefined;

/**
 * A report rides on the current request's line. One EMF document has one set of dimension values, so a
 * second report in the same request (none of our routes makes two) sends the first out on its own lines.
 */
export const reportUpstreamCall = (report: UpstreamReport): void => {
  const scope = currentRequest();
  if (!scope) return writeAlone(report);
  const pending = pendingOf(scope);
  if (pending) writeAlone(pending);
  scope.pending = report;
};

/**
 * A metric counted deep in the core during a request (PaymentNeedsReview, in shared/state/orders.ts): it
 * rides on the request's line like a provider call's report, or goes out at once outside a request.
 */
export const reportMetrics = (provider: Provider, metrics: readonly MetricEntry[]): void =>
  reportUpstreamCall({ provider, fields: {}, metrics, level: 'info' });

/** Metrics of the request itself (no provider call), counted under `provider`. */
export interface RequestMetrics {
  provider: Provider;
  metrics: readonly MetricEntry[];
}

/**
 * The fields the request's own line carries for what was reported during it (and forgets them). `own`
 * metrics of the request itself go on the line in place of a provider call's, which then goes out alone.
 */
export const takeRequestFields = (own?: RequestMetrics): Record<string, unknown> => {
  const scope = currentRequest();
  const pending = pendingOf(scope);
  if (scope) scope.pending = undefined;
  if (own) {
    // One EMF document has one set of dimension values: a provider call's report goes out on its own.
    if (pending) writeAlone(pending);
    return { provider: own.provider, ...emfFields(own.provider, own.metrics) };
  }
  if (!pending) return {};
  return { provider: pending.provider, ...pending.fields, ...emfFields(pending.provider, pending.metrics) };
};

/** Runs a Lambda handler in a request scope; a report its line never took is written at the end, not lost. */
export const withRequestLog = <E, R>(handler: (event: E, context: Context) => Promise<R>) =>
  withRequestScope(handler, (scope) => {
    const pending = pendingOf(scope);
    if (pending) writeAlone(pending);
  });

import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { upstreamOutcomeMetrics } from '#shared/observability/metrics.ts';
import { reportUpstreamCall, takeRequestFields, withRequestLog, type UpstreamReport } from '#shared/observability/request-log.ts';
import { setEnvironment } from '../../support/env.ts';
import { lambdaContext } from '../../support/lambda.ts';
import { captureOutput, emfProblems } from '../../support/logs.ts';

const output = captureOutput();

const call = (provider: UpstreamReport['provider'], outcome: 'ok' | 'UPSTREAM_TIMEOUT'): UpstreamReport => ({
  provider,
  fields: { upstream_operation: 'op', upstream_outcome: outcome },
  metrics: upstreamOutcomeMetrics(outcome, 12.4),
  level: outcome === 'ok' ? 'info' : 'warn',
});

/** The lines `run` writes; a request handler is run as Lambda would, with an event and a context. */
const linesOf = async (run: (event: unknown, context: Context) => Promise<unknown>): Promise<Record<string, unknown>[]> => {
  const before = output.mark();
  await run(undefined, lambdaContext());
  return output.linesSince(before).map((line) => JSON.parse(line) as Record<string, unknown>);
};

beforeEach(() => setEnvironment({ STAGE: 'staging' }));

describe('request log: one line per request', () => {
  it('outside a request, a provider call writes its metric document and its own log line at once', async () => {
    const lines = await linesOf(() => Promise.resolve(reportUpstreamCall(call('etpay', 'UPSTREAM_TIMEOUT'))));
    expect(lines).toHaveLength(2);
    const [metric = {}, log = {}] = lines;
    expect(metric).toMatchObject({ service: 'clinic-payments-api', stage: 'staging', provider: 'etpay', UpstreamFailure: 1, UpstreamLatency: 12 });
    expect(emfProblems(metric)).toEqual([]);
    expect(log).toMatchObject({ level: 'WARN', message: 'upstream call failed', provider: 'etpay', upstream_outcome: 'UPSTREAM_TIMEOUT' });
    expect(log).not.toHaveProperty('_aws');
  });

  it('inside a request, a call writes nothing: its fields and metrics are taken for the request line', async () => {
    let fields: Record<string, unknown> = {};
    const lines = await linesOf(
      withRequestLog(() => {
        reportUpstreamCall(call('skippay', 'ok'));
        fields = takeRequestFields();
        return Promise.resolve();
      }),
    );
    expect(lines).toEqual([]);
    expect(fields).toMatchObject({ provider: 'skippay', upstream_outcome: 'ok', stage: 'staging', UpstreamSuccess: 1, UpstreamLatency: 12 });
    expect(emfProblems({ ...fields, service: 'clinic-payments-api' })).toEqual([]);
  });

  it('a second call in one request sends the first out on its own lines (one provider per EMF document)', async () => {
    let fields: Record<string, unknown> = {};
    const lines = await linesOf(
      withRequestLog(() => {
        reportUpstreamCall(call('skippay', 'ok'));
        reportUpstreamCall(call('skip-backend', 'UPSTREAM_TIMEOUT'));
        fields = takeRequestFields();
        return Promise.resolve();
      }),
    );
    expect(lines.map((line) => [line.provider, line.message ?? 'metric'])).toEqual([
      ['skippay', 'metric'],
      ['skippay', 'upstream call'],
    ]);
    expect(fields).toMatchObject({ provider: 'skip-backend', UpstreamFailure: 1 });
  });

  it('a report the request line never took is written when the request ends, not lost', async () => {
    const lines = await linesOf(withRequestLog(() => Promise.resolve(reportUpstreamCall(call('etpay', 'ok')))));
    expect(lines.map((line) => line.message ?? 'metric')).toEqual(['metric', 'upstream call']);
  });

  it('concurrent requests keep their own reports', async () => {
    const taken: Record<string, unknown>[] = [];
    const request = (provider: UpstreamReport['provider'], delay: number) =>
      withRequestLog(async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        reportUpstreamCall(call(provider, 'ok'));
        await new Promise((resolve) => setTimeout(resolve, 10 - delay));
        taken.push(takeRequestFields());
      })(undefined, lambdaContext());
    await Promise.all([request('skippay', 2), request('etpay', 5)]);
    expect(taken.map((fields) => fields.provider).sort()).toEqual(['etpay', 'skippay']);
  });
});

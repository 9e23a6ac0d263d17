// The alarms that page: routed to the stage's topic, described for the person paged, and watching exactly the
// metrics the functions emit (namespace, name and dimensions imported from the code's own metric contract).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#shared/catalog.ts';
import { DEPENDENCIES } from '#shared/aws/dependency-names.ts';
import { Dimension, METRICS_NAMESPACE, MetricName, SERVICE_NAME } from '#shared/observability/metric-names.ts';
import { PROVIDERS } from '#shared/providers/provider.ts';
import { STAGE_CONFIGS, DEPLOY_STAGES } from '../../infra/config.ts';
import { setEnvironment } from '../support/env.ts';
import { ALARM_SLUGS, RECONCILE_FAILED_PERIODS } from '../../infra/constructs/alarms.ts';
import { emfFields } from '#shared/observability/metrics.ts';
import { onlyResource, refId, resourcesOf, synthesise, type CfnResource, type Synthesised } from './fixtures.ts';

const RUNBOOK = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

type Dimensions = { Name: string; Value: unknown }[];
const dimensionsOf = (alarm: CfnResource): Record<string, unknown> =>
  Object.fromEntries((alarm.Properties.Dimensions as Dimensions).map((d) => [d.Name, d.Value]));

let synth: Synthesised;
beforeAll(() => {
  synth = synthesise();
});
afterAll(() => synth.remove());

describe.each(DEPLOY_STAGES)('%s alarms', (stage) => {
  const config = STAGE_CONFIGS[stage].alarms;
  const template = () => synth.templates[stage];
  const alarms = () => Object.values(resourcesOf(template(), 'AWS::CloudWatch::Alarm'));
  const topicId = () => {
    const ids = Object.keys(resourcesOf(template(), 'AWS::SNS::Topic'));
    expect(ids).toHaveLength(1);
    return ids[0];
  };

  it('routes every alarm (alarm and ok) to the stage topic, missing data not breaching', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      expect(alarm.Properties).toMatchObject({
        AlarmActions: [{ Ref: topicId() }],
        OKActions: [{ Ref: topicId() }],
        TreatMissingData: 'notBreaching',
        // Production always pages; staging is silent by default (flaky sandboxes), see README.md.
        ActionsEnabled: stage === 'production',
      });
    }
  });

  it('describes each alarm and points at a runbook section that exists', () => {
    for (const alarm of alarms()) {
      const description = String(alarm.Properties.AlarmDescription);
      expect(description.length).toBeLessThanOrEqual(1024);
      expect(description).toMatch(/Patients|patients/);
      expect(description).toMatch(/First: /);
      const slug = /Runbook: README\.md#runbook-([a-z0-9-]+)$/.exec(description)?.[1];
      expect(ALARM_SLUGS).toContain(slug);
      expect(RUNBOOK).toContain(`\n### Runbook: ${slug}\n`);
    }
    for (const slug of ALARM_SLUGS) expect(RUNBOOK).toContain(`\n### Runbook: ${slug}\n`);
  });

  it.each(PROVIDERS)('pages on UpstreamFailure from %s, as the functions emit it', (provider) => {
    const [, alarm] = onlyResource(template(), 'AWS::CloudWatch::Alarm', {
      MetricName: MetricName.UpstreamFailure,
      Dimensions: [
        { Name: Dimension.Provider, Value: provider },
        { Name: Dimension.Service, Value: SERVICE_NAME },
        { Name: Dimension.Stage, Value: stage },
      ],
    });
    expect(alarm.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Statistic: 'Sum',
      Period: 300,
      Threshold: config.upstreamFailureThreshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(dimensionsOf(alarm)).toEqual({
      [Dimension.Service]: SERVICE_NAME,
      [Dimension.Stage]: stage,
      [Dimension.Provider]: provider,
    });
  });

  it.each(PROVIDERS)('pages on the first ConfigurationError from %s', (provider) => {
    const matching = alarms().filter(
      (a) => a.Properties.MetricName === MetricName.ConfigurationError && dimensionsOf(a)[Dimension.Provider] === provider,
    );
    expect(matching).toHaveLength(1);
    expect(matching[0]?.Properties).toMatchObject({ Namespace: METRICS_NAMESPACE, Statistic: 'Sum', Threshold: 1 });
    expect(dimensionsOf(matching[0]!)).toEqual({
      [Dimension.Service]: SERVICE_NAME,
      [Dimension.Stage]: stage,
      [Dimension.Provider]: provider,
    });
  });

  it.each(DEPENDENCIES)('pages on the first DependencyUnavailable from %s, with the dimensions the functions emit', (dependency) => {
    const [, alarm] = onlyResource(template(), 'AWS::CloudWatch::Alarm', {
      MetricName: MetricName.DependencyUnavailable,
      Dimensions: [
        { Name: Dimension.Dependency, Value: dependency },
        { Name: Dimension.Service, Value: SERVICE_NAME },
        { Name: Dimension.Stage, Value: stage },
      ],
    });
    expect(alarm.Properties).toMatchObject({ Namespace: METRICS_NAMESPACE, Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(String(alarm.Properties.AlarmDescription)).toContain('Runbook: README.md#runbook-dependency-unavailable');
  });

  it('ties the dependency alarms to what the code emits: the EMF document\'s dimension set and names', async () => {
    const { publishDependencyMetrics } = await import('#shared/observability/metrics.ts');
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0);
    const restore = setEnvironment({ STAGE: stage });
    try {
      publishDependencyMetrics('dynamodb', [[MetricName.DependencyUnavailable, 'Count', 1]]);
    } finally {
      process.stdout.write = original;
      restore();
    }
    const document = JSON.parse(written.join('')) as Record<string, any>;
    const [directive] = document._aws.CloudWatchMetrics;
    const [, alarm] = onlyResource(template(), 'AWS::CloudWatch::Alarm', {
      MetricName: MetricName.DependencyUnavailable,
      Dimensions: [
        { Name: Dimension.Dependency, Value: 'dynamodb' },
        { Name: Dimension.Service, Value: SERVICE_NAME },
        { Name: Dimension.Stage, Value: stage },
      ],
    });
    expect(directive.Namespace).toBe(alarm.Properties.Namespace);
    expect(directive.Metrics.map((m: { Name: string }) => m.Name)).toContain(alarm.Properties.MetricName);
    expect([...directive.Dimensions[0]].sort()).toEqual(Object.keys(dimensionsOf(alarm)).sort());
    expect(Object.fromEntries(Object.keys(dimensionsOf(alarm)).map((name) => [name, document[name]]))).toEqual(dimensionsOf(alarm));
  });

  it.each(Object.keys(FUNCTIONS))('pages on Lambda Errors and Throttles of %s', (name) => {
    const [fnId] = onlyResource(template(), 'AWS::Lambda::Function', { FunctionName: `clinic-payments-${stage}-${name}` });
    for (const metricName of ['Errors', 'Throttles']) {
      const matching = alarms().filter(
        (a) => a.Properties.MetricName === metricName && refId(dimensionsOf(a).FunctionName) === fnId,
      );
      expect(matching).toHaveLength(1);
      expect(matching[0]?.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1 });
    }
  });

  const paymentProviders = ['etpay', 'skippay'] as const;
  it.each(
    paymentProviders.flatMap((provider) => [
      { provider, metric: MetricName.ReconcileFailed, periods: RECONCILE_FAILED_PERIODS },
      { provider, metric: MetricName.EventPublishFailed, periods: 1 },
      { provider, metric: MetricName.ReconcileExpired, periods: 1 },
    ]),
  )('pages on $metric from $provider ($periods period(s)), as the code emits it', ({ provider, metric, periods }) => {
    const matching = alarms().filter((a) => a.Properties.MetricName === metric && dimensionsOf(a)[Dimension.Provider] === provider);
    expect(matching).toHaveLength(1);
    expect(matching[0]?.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: periods,
    });
    expect(dimensionsOf(matching[0]!)).toEqual({ [Dimension.Service]: SERVICE_NAME, [Dimension.Stage]: stage, [Dimension.Provider]: provider });
    // The code's own EMF document for that metric: same namespace, metric and dimension names.
    const document = emfFields(provider, [[metric, 'Count', 1]]) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
    const [directive] = document._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive?.Metrics.map((m) => m.Name)).toEqual([metric]);
    expect([...(directive?.Dimensions[0] ?? [])].sort()).toEqual(Object.keys(dimensionsOf(matching[0]!)).sort());
  });

  it('never pages on ReconcileAbandoned (a checkout opened and never paid), which the stuck-payments alarm no longer counts', () => {
    expect(MetricName.ReconcileAbandoned).toBe('ReconcileAbandoned');
    expect(alarms().filter((a) => a.Properties.MetricName === MetricName.ReconcileAbandoned)).toEqual([]);
    // Stuck payments page on ReconcileExpired alone, one alarm per payment provider.
    const stuck = alarms().filter((a) => String(a.Properties.AlarmDescription).includes('#runbook-stuck-payments'));
    expect(stuck.map((a) => a.Properties.MetricName)).toEqual(paymentProviders.map(() => MetricName.ReconcileExpired));
  });

  it('pages on the HTTP API\'s 5xx and p99 Latency of the $default stage', () => {
    const [apiId] = Object.keys(resourcesOf(template(), 'AWS::ApiGatewayV2::Api'));
    const dims = { ApiId: { Ref: apiId }, Stage: '$default' };
    const [, serverErrors] = onlyResource(template(), 'AWS::CloudWatch::Alarm', { MetricName: '5xx' });
    expect(serverErrors.Properties).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Threshold: config.api5xxThreshold });
    expect(dimensionsOf(serverErrors)).toEqual(dims);
    const [, latency] = onlyResource(template(), 'AWS::CloudWatch::Alarm', { MetricName: 'Latency' });
    expect(latency.Properties).toMatchObject({ Namespace: 'AWS/ApiGateway', ExtendedStatistic: 'p99', Threshold: config.latencyP99Ms });
    expect(dimensionsOf(latency)).toEqual(dims);
  });

  it('subscribes the stage\'s emails and pager, over SSL only', () => {
    const subscriptions = Object.values(resourcesOf(template(), 'AWS::SNS::Subscription')).map((s) => [
      s.Properties.Protocol,
      s.Properties.Endpoint,
    ]);
    const expected = [
      ...config.emails.map((e) => ['email', e]),
      ...(config.pagerUrl === undefined ? [] : [['https', config.pagerUrl]]),
    ];
    expect(subscriptions).toEqual(expected);
    if (stage === 'production') expect(expected.length).toBeGreaterThan(0);
    const [, policy] = Object.entries(resourcesOf(template(), 'AWS::SNS::TopicPolicy'))[0]!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"Service":"cloudwatch.amazonaws.com"');
  });
});

// The alarms that page, all routed to one SNS topic per stage. Each description tells the person paged what
// broke, what it means for patients and what to do first, and points at its runbook section.
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DEPENDENCIES, type Dependency } from '../../shared/aws/dependency-names.ts';
import { Dimension, METRICS_NAMESPACE, MetricName, SERVICE_NAME } from '../../shared/observability/metric-names.ts';
import { PROVIDERS, type Provider } from '../../shared/providers/provider.ts';
import type { AlarmConfig, DeployStage } from '../config.ts';

/** One runbook section per slug, in README.md (`### Runbook: <slug>`). */
export const ALARM_SLUGS = [
  'upstream-failure',
  'configuration-error',
  'dependency-unavailable',
  'function-errors',
  'function-throttles',
  'api-5xx',
  'api-latency-p99',
  'payment-needs-review',
  'reconcile-failed',
  'event-publish-failed',
  'stuck-payments',
] as const;

/** reconcile-payments failing for this many 5-minute periods in a row (one run each) pages: not one blip. */
export const RECONCILE_FAILED_PERIODS = 3;
export type AlarmSlug = (typeof ALARM_SLUGS)[number];

const PERIOD = Duration.minutes(5);

// What a provider being down means for a patient, in the words the person paged needs.
const PROVIDER_IMPACT: Record<Provider, string> = {
  skippay: 'Patients cannot create SkipPay (AAPD) orders, so they cannot pay with Skip',
  'skip-backend': 'The Skip Spot widget cannot be opened, so patients cannot register or pay with Skip',
  etpay: 'Patients cannot start ETpay bank-transfer payments',
};

// What one of our own AWS dependencies failing means (DEPENDENCY_UNAVAILABLE, shared/aws/dependency.ts).
const DEPENDENCY_IMPACT: Record<Dependency, { impact: string; firstStep: string }> = {
  dynamodb: {
    impact:
      'Patients get 503 where payment state is read or written: orders with an Idempotency-Key, ETpay sessions, confirmations, provider notifications (which retry) and status reads.',
    firstStep: 'First: check the payments table\'s ThrottledRequests and SystemErrors and the AWS Health Dashboard for DynamoDB in the region.',
  },
  secretsmanager: {
    impact:
      'Functions cannot read provider credentials: for up to 1 h they serve the last good value (SecretServedStale), then, and in new containers at once, patients get 503 on every payment start.',
    firstStep: 'First: check the AWS Health Dashboard for Secrets Manager and the functions\' SecretServedStale; an AccessDenied would be a ConfigurationError instead.',
  },
  eventbridge: {
    impact: 'Patients\' payment status changes may not reach the clinics\' subscriptions on the stage\'s event bus.',
    firstStep: 'First: check the AWS Health Dashboard for EventBridge and the bus\'s PutEvents throttling.',
  },
};

export interface MonitoredFunction {
  name: string;
  function: lambda.IFunction;
  /** e.g. `POST /v1/orders`, for the description. */
  route: string;
}

export interface PaymentsAlarmsProps {
  stage: DeployStage;
  config: AlarmConfig;
  functions: readonly MonitoredFunction[];
  apiStage: apigwv2.IHttpStage;
  /** Prefix of every alarm name, e.g. the stack name. */
  namePrefix: string;
}

interface AlarmSpec {
  slug: AlarmSlug;
  /** Distinguishes alarms sharing a slug (provider, function). */
  subject?: string;
  metric: cloudwatch.IMetric;
  threshold: number;
  evaluationPeriods?: number;
  what: string;
  impact: string;
  firstStep: string;
}

export class PaymentsAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly props: PaymentsAlarmsProps;

  constructor(scope: Construct, id: string, props: PaymentsAlarmsProps) {
    super(scope, id);
    this.props = props;
    const { stage, config } = props;
    const { account, region, partition } = Stack.of(this);

    // enforceSSL rather than KMS: the notifications carry alarm names and numbers only, and CloudWatch cannot
    // publish to a topic encrypted with the AWS-managed SNS key.
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `Clinic payments API (${stage}) alarms`,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch must be let in explicitly (and only for
    // this account's alarms).
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    for (const email of config.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    if (config.pagerUrl !== undefined) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(config.pagerUrl, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
    }

    for (const provider of PROVIDERS) {
      const dimensionsMap = {
        [Dimension.Service]: SERVICE_NAME,
        [Dimension.Stage]: stage,
        [Dimension.Provider]: provider,
      };
      const custom = (metricName: string): cloudwatch.Metric =>
        new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap, statistic: 'Sum', period: PERIOD });
      this.add({
        slug: 'upstream-failure',
        subject: provider,
        metric: custom(MetricName.UpstreamFailure),
        threshold: config.upstreamFailureThreshold,
        what: `${provider} calls are failing (timeouts, 5xx/429, auth or unusable answers): at least ${config.upstreamFailureThreshold} in 5 minutes.`,
        impact: `${PROVIDER_IMPACT[provider]}.`,
        firstStep: `First: check the provider's status and our function logs for the error codes (UPSTREAM_AUTH_FAILED means our ${provider} credentials are wrong or revoked).`,
      });
      this.add({
        slug: 'configuration-error',
        subject: provider,
        metric: custom(MetricName.ConfigurationError),
        threshold: 1,
        what: `A function calling ${provider} found its settings or secret missing, malformed or of the wrong stage; nothing was sent to ${provider}.`,
        impact: `${PROVIDER_IMPACT[provider]}, on every request, until it is fixed.`,
        firstStep: `First: check the stage's Secrets Manager secret (name in the function's *_SECRET_ID) for the contract's JSON keys and ${stage === 'production' ? '*_live_*' : '*_test_*'} keys.`,
      });
      // Only the payment providers record results; the widget backend moves no money.
      if (provider === 'skip-backend') continue;
      this.add({
        slug: 'payment-needs-review',
        subject: provider,
        metric: custom(MetricName.PaymentNeedsReview),
        threshold: 1,
        what: `${provider} reported a successful payment of another amount than its order's: the order is needs_review, not paid.`,
        impact: 'A patient paid, but not the amount of the order: patients see their order unpaid and the money must be reconciled (refund or top-up).',
        firstStep: "First: find the order in the function's log line ('payment of another amount'), list it with GET /v1/payments?status=needs_review as its clinic, and reconcile with the provider's back office.",
      });
      this.add({
        slug: 'reconcile-failed',
        subject: provider,
        metric: custom(MetricName.ReconcileFailed),
        threshold: 1,
        evaluationPeriods: RECONCILE_FAILED_PERIODS,
        what: `reconcile-payments could not pull ${provider} statuses in each of its last ${RECONCILE_FAILED_PERIODS} runs (15 minutes); the attempts stay due and are retried.`,
        impact: `Patients who paid by ${provider} but whose notification was lost stay pending at the front desk until a pull succeeds.`,
        firstStep: `First: read the clinic-payments-${stage}-reconcile-payments log group ('reconcile: pull failed' lines, their code), then check ${provider}'s status and the UpstreamFailure alarm.`,
      });
      this.add({
        slug: 'event-publish-failed',
        subject: provider,
        metric: custom(MetricName.EventPublishFailed),
        threshold: 1,
        what: `A Payment Status Changed event about a ${provider} order could not be put on the bus clinic-payments-${stage} (the order's state itself was saved; reconcile-payments puts the event again every few minutes until it is on the bus).`,
        impact: "Patients' clinics learn of a payment change in their own systems (HIS, ERP) late, or, while it lasts, only from GET /v1/payments.",
        firstStep: "First: find 'payment event not published' in the function logs (its reason), check the bus and the function's events:PutEvents permission; tell affected clinics to reconcile with GET /v1/payments.",
      });
      this.add({
        slug: 'stuck-payments',
        subject: provider,
        metric: custom(MetricName.ReconcileExpired),
        threshold: 1,
        what: `A ${provider} payment attempt was still pending at the provider's expiry (ETpay 24 h, SkipPay 45 days) without a final answer, its pulls failing or the provider reporting a payment not final; it is no longer pulled. (A checkout the provider says was never paid is ReconcileAbandoned and does not page.)`,
        impact: 'Patients may have paid without their order ever showing paid, or a stale order stays open at the front desk.',
        firstStep: "First: find 'reconcile: attempt still pending at its provider expiry' in the reconcile-payments logs (order_id), check the payment in the provider's back office, and settle it with the clinic.",
      });
    }

    for (const dependency of DEPENDENCIES) {
      this.add({
        slug: 'dependency-unavailable',
        subject: dependency,
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: MetricName.DependencyUnavailable,
          dimensionsMap: { [Dimension.Service]: SERVICE_NAME, [Dimension.Stage]: stage, [Dimension.Dependency]: dependency },
          statistic: 'Sum',
          period: PERIOD,
        }),
        threshold: 1,
        what: `Calls to ${dependency} failed transiently or missed their deadline (503 DEPENDENCY_UNAVAILABLE).`,
        ...DEPENDENCY_IMPACT[dependency],
      });
    }

    for (const { name, function: fn, route } of props.functions) {
      this.add({
        slug: 'function-errors',
        subject: name,
        metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        threshold: 1,
        what: `The Lambda behind ${route} crashed or timed out (an invocation error, not a contract error answer).`,
        impact: 'Patients get a bare 500 (no contract error body) at that payment step.',
        firstStep: "First: read the function's log group for the failing request ids; roll back the last deploy if it started then.",
      });
      this.add({
        slug: 'function-throttles',
        subject: name,
        metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        threshold: 1,
        what: `The Lambda behind ${route} was throttled: the account or function ran out of concurrency.`,
        impact: 'Patients are refused at that payment step while it lasts.',
        firstStep: 'First: check account concurrency usage and which function consumes it; request a limit increase if traffic is real.',
      });
    }

    this.add({
      slug: 'api-5xx',
      metric: props.apiStage.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      threshold: config.api5xxThreshold,
      what: `The HTTP API answered at least ${config.api5xxThreshold} 5xx in 5 minutes (any route).`,
      impact: 'Patients see errors instead of payment screens; payments are being lost.',
      firstStep: 'First: query the API access logs by routeKey and status to find the route, then follow that route\'s function or provider alarm.',
    });
    this.add({
      slug: 'api-latency-p99',
      metric: props.apiStage.metricLatency({ period: PERIOD, statistic: 'p99' }),
      threshold: config.latencyP99Ms,
      evaluationPeriods: 3,
      what: `The HTTP API's p99 latency stayed at or above ${config.latencyP99Ms} ms for 15 minutes.`,
      impact: 'Patients wait seconds on payment screens; some give up or retry.',
      firstStep: 'First: compare integrationLatency in the access logs with UpstreamLatency per provider to find the slow provider or function.',
    });
  }

  private add(spec: AlarmSpec): void {
    const name = spec.subject === undefined ? spec.slug : `${spec.slug}-${spec.subject}`;
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName: `${this.props.namePrefix}-${name}`,
      alarmDescription: `${spec.what} ${spec.impact} ${spec.firstStep} Runbook: README.md#runbook-${spec.slug}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      actionsEnabled: this.props.config.actionsEnabled,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}

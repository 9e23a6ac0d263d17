// The metric contract between the functions (which emit via EMF) and the alarms (infra/), in one place.
export const METRICS_NAMESPACE = 'ClinicPaymentsApi';
export const SERVICE_NAME = 'clinic-payments-api';

export const MetricName = {
  /** Every 5xx-class upstream outcome: UPSTREAM_AUTH_FAILED, _BAD_RESPONSE, _UNAVAILABLE, _TIMEOUT. Pages. */
  UpstreamFailure: 'UpstreamFailure',
  /** The provider refused the request itself (UPSTREAM_REJECTED). Informational. */
  UpstreamRejected: 'UpstreamRejected',
  /** A provider call that ended in a usable 2xx. */
  UpstreamSuccess: 'UpstreamSuccess',
  /** Wall time of one provider call (all attempts), milliseconds. */
  UpstreamLatency: 'UpstreamLatency',
  /** CONFIGURATION_ERROR: settings or secret missing, malformed, or of the wrong stage. Pages. */
  ConfigurationError: 'ConfigurationError',
  /** DEPENDENCY_UNAVAILABLE: an AWS call failed transiently or missed its deadline. Per dependency. Pages. */
  DependencyUnavailable: 'DependencyUnavailable',
  /** A secret's refresh failed and its last good value (at most 1 h old) was served. Per dependency. */
  SecretServedStale: 'SecretServedStale',
  /** A successful payment of another amount than its order's: money moved, order not paid. Pages. */
  PaymentNeedsReview: 'PaymentNeedsReview',
  /**
   * A `Payment Status Changed` event that could not be put on the bus after the SDK's retries (the state
   * change itself stands). Counted under the payment's provider. Pages: clinics miss an event.
   */
  EventPublishFailed: 'EventPublishFailed',
  /** reconcile-payments: attempts whose status was pulled (any answer), per provider and run. */
  ReconcileChecked: 'ReconcileChecked',
  /** reconcile-payments: pulls that changed their order's status (each also one event). */
  ReconcileChanged: 'ReconcileChanged',
  /** reconcile-payments: pulls (or state writes) that failed; the attempt stays due. Pages when sustained. */
  ReconcileFailed: 'ReconcileFailed',
  /**
   * Attempts still pending at their provider's expiry (24 h ETpay, 45 days SkipPay), their order not paid,
   * whose pulls kept failing or whose provider last reported a payment (or order) not final: stuck payments. Pages.
   */
  ReconcileExpired: 'ReconcileExpired',
  /**
   * Attempts at their provider's expiry, their order not paid, whose provider last said there is no payment at
   * all (ETpay `[]`): a checkout opened and never paid. Informational, no alarm.
   */
  ReconcileAbandoned: 'ReconcileAbandoned',
  /** A signed SkipPay webhook we could not read an order and status from: stored and acknowledged. */
  UnrecognizedEvent: 'UnrecognizedEvent',
} as const;

/**
 * Every provider metric is emitted with exactly the dimensions (service, stage, provider); every
 * dependency metric with (service, stage, dependency).
 */
export const Dimension = { Service: 'service', Stage: 'stage', Provider: 'provider', Dependency: 'dependency' } as const;

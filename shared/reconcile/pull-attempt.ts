// What the provider says is the truth (contract v1.1): pull one attempt's status and record it exactly like
// a notification would, through recordAttemptResult. Used by reconcile-payments, by the webhooks when an
// event cannot be read, and by GET …?refresh=true. An ETpay success is recorded once per payment_token
// (the same item a notification of that payment writes), so a pull and a later notification count once.
import type { Stage } from '../config/settings.ts';
import type { SecretLoader } from '../http/route.ts';
import type { CallBudget } from '../providers/http-client.ts';
import type { EtpayConnection } from '../providers/etpay.ts';
import { pullEtpaySessionStatus, type EtpayPaymentStatus } from '../providers/etpay-status.ts';
import type { ProviderPaymentStatus } from '../providers/payment-status.ts';
import type { SkipPayConnection } from '../providers/skippay.ts';
import { pullSkipPayOrderStatus } from '../providers/skippay-status.ts';
import { recordAttemptResult, type RecordedResult } from '../state/attempt-results.ts';
import { itemId, RETENTION_SECONDS, type PaymentProvider } from '../state/keys.ts';
import type { AttemptRecord } from '../state/orders.ts';
import { expiresIn, recordOnce } from '../state/table.ts';
import type { AttemptResult } from '../state/transitions.ts';

/** What opening a connection to each provider needs: settings, the secret loader, a budget per call. */
export interface PullSettings {
  STAGE: Stage;
  ETPAY_API_URL?: string;
  ETPAY_SECRET_ID?: string;
  SKIPPAY_API_URL?: string;
  SKIP_SECRET_ID?: string;
}

export interface ProviderConnections {
  etpay: (budget: CallBudget) => Promise<EtpayConnection>;
  skippay: (budget: CallBudget) => Promise<SkipPayConnection>;
}

const missing = (what: string): Promise<never> => Promise.reject(new Error(`pull: ${what} is not configured for this function`));

/** Connections from a function's settings and secrets; a provider it has no settings for fails when used. */
export const providerConnections = (settings: PullSettings, secrets: SecretLoader): ProviderConnections => ({
  etpay: async (budget) => {
    if (!settings.ETPAY_API_URL || !settings.ETPAY_SECRET_ID) return missing('etpay');
    const etpay = await secrets('etpay', settings.ETPAY_SECRET_ID, settings.STAGE);
    return { apiUrl: settings.ETPAY_API_URL, merchantCode: etpay.ETPAY_MERCHANT_CODE, merchantApiToken: etpay.ETPAY_MERCHANT_API_TOKEN, ...budget };
  },
  skippay: async (budget) => {
    if (!settings.SKIPPAY_API_URL || !settings.SKIP_SECRET_ID) return missing('skippay');
    const skip = await secrets('skip', settings.SKIP_SECRET_ID, settings.STAGE);
    return { apiUrl: settings.SKIPPAY_API_URL, clientSecret: skip.SKIPPAY_CLIENT_SECRET, ...budget };
  },
});

const OUTCOME = { paid: 'success', failed: 'failure', pending: 'pending' } as const;

/**
 * The pulled word as a result for the state. A `paid` without a readable amount is recorded with amount 0,
 * which never equals an order's amount: money moved, amount unknown, so `needs_review` (fail closed).
 */
const resultOfPull = (status: ProviderPaymentStatus): AttemptResult | undefined => {
  // A not-final answer without even a word (ETpay: no payment yet) teaches nothing: nothing to record.
  if (status.outcome === 'pending' && status.provider_status === undefined) return undefined;
  return {
    outcome: OUTCOME[status.outcome],
    providerStatus: status.provider_status ?? status.outcome,
    amount: status.outcome === 'paid' ? (status.amount ?? 0) : 0,
  };
};

export interface PullOutcome {
  /** Final at the provider (paid or failed): the attempt leaves the due index. */
  final: boolean;
  /** The order's status changed (one event was published for it). */
  changed: boolean;
  /** The provider said there is no payment at all (ETpay: none for the session), not one in a state not final. */
  noPayment: boolean;
}

const pullStatus = async (
  provider: PaymentProvider,
  attempt: AttemptRecord,
  connections: ProviderConnections,
  budget: CallBudget,
): Promise<EtpayPaymentStatus> =>
  provider === 'etpay'
    ? pullEtpaySessionStatus(attempt.provider_id, await connections.etpay(budget))
    : pullSkipPayOrderStatus(attempt.provider_id, await connections.skippay(budget));

/** Pulls the attempt's status and records it. Throws what the provider call throws (the caller counts it). */
export const pullAndRecord = async (
  table: string,
  attempt: AttemptRecord,
  connections: ProviderConnections,
  budget: CallBudget,
): Promise<PullOutcome> => {
  const status = await pullStatus(attempt.provider, attempt, connections, budget);
  const result = resultOfPull(status);
  const final = status.outcome !== 'pending';
  const noPayment = status.outcome === 'pending' && status.provider_status === undefined;
  if (!result) return { final, changed: false, noPayment };
  const record = (): Promise<RecordedResult> => recordAttemptResult(table, attempt, result, { deadline: budget.deadline });
  if (attempt.provider === 'etpay' && status.payment_token !== undefined) {
    let recorded: RecordedResult | undefined;
    await recordOnce(
      table,
      {
        id: itemId.etpayPayment(attempt.provider_id, status.payment_token),
        payment_token: status.payment_token,
        session_token: attempt.provider_id,
        merchant_order_id: attempt.order_id,
        amount: result.amount,
        payment_status: result.providerStatus,
        source: 'pull',
        received_at: new Date().toISOString(),
        expiration: expiresIn(RETENTION_SECONDS.paymentRecords),
      },
      async () => {
        recorded = await record();
      },
    );
    // Already recorded (a notification of this payment came first): applied again, which changes and publishes
    // nothing (recordAttemptResult is idempotent) unless that record's state writes never happened.
    recorded ??= await record();
    return { final, changed: recorded.statusChangedFrom !== undefined, noPayment };
  }
  const recorded = await record();
  return { final, changed: recorded.statusChangedFrom !== undefined, noPayment };
};

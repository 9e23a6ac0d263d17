// The limits the code, the stack and the tests share, in one place. No imports but an import-free type:
// infra/ (the CDK app) and test/ load it without pulling in the SDK.
import type { Dependency } from './aws/dependency-names.ts';

/**
 * Lambda's timeout for every function: the provider deadline, plus room for a cold start and the first
 * Secrets Manager read, and even a whole second attempt should a retry ever overrun the deadline, yet safely
 * under API Gateway's 30 s integration limit so the function, not the gateway, answers with a contract error.
 */
export const FUNCTION_TIMEOUT_SECONDS = 20;

/** One provider call's deadline (UPSTREAM_TIMEOUT_MS) when a stage sets none, retry included. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 8_000;

/** The contract's ceiling for UPSTREAM_TIMEOUT_MS. */
export const MAX_UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * What an invocation keeps of its own time to answer with a contract error after the last call it waits on
 * (a provider through ctx.budget, an AWS service through shared/aws/dependency.ts) gives up.
 */
export const RESPONSE_MARGIN_MS = 500;

/** An invocation's time when no Lambda context says (a script): API Gateway's integration limit. */
export const INTEGRATION_TIMEOUT_MS = 30_000;

/** What a function needs after its provider deadline to answer with a contract error before its own timeout. */
export const FUNCTION_TIMEOUT_MARGIN_MS = 2_000;

/** The largest request body the API accepts (413 PAYLOAD_TOO_LARGE above). */
export const MAX_BODY_BYTES = 16 * 1024;

/** The largest provider answer the client reads (UPSTREAM_BAD_RESPONSE above). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface DependencyBudget {
  /** Attempts per call, the SDK's retries included. */
  maxAttempts: number;
  /** One attempt: TCP (and TLS) connect. */
  connectionTimeoutMs: number;
  /** One attempt: from sending to the whole answer. */
  attemptTimeoutMs: number;
  /** The whole call, every attempt and back-off. */
  callTimeoutMs: number;
}

// DynamoDB answers single-item calls in milliseconds: a second is already an outage. Secrets Manager is
// called once per container per 5 minutes, so it gets more. Each budget fits many times in the 20 s Lambda
// timeout (FUNCTION_TIMEOUT_SECONDS) next to a provider call (DEFAULT_UPSTREAM_TIMEOUT_MS).
export const DEPENDENCY_BUDGETS: Readonly<Record<Dependency, DependencyBudget>> = {
  dynamodb: { maxAttempts: 3, connectionTimeoutMs: 1_000, attemptTimeoutMs: 1_000, callTimeoutMs: 2_500 },
  secretsmanager: { maxAttempts: 2, connectionTimeoutMs: 1_000, attemptTimeoutMs: 2_000, callTimeoutMs: 3_000 },
  eventbridge: { maxAttempts: 3, connectionTimeoutMs: 1_000, attemptTimeoutMs: 1_500, callTimeoutMs: 3_000 },
};

/** reconcile-payments' Lambda timeout: several pages of pulls per run, well inside its 5-minute schedule. */
export const RECONCILE_TIMEOUT_SECONDS = 120;

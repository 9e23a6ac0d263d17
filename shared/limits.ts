// The limits the code, the stack and the tests share, in one place. No imports: infra/ (the CDK app) and
// test/ load it without pulling in the SDK.

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

/** What a function needs after its provider deadline to answer with a contract error before its own timeout. */
export const FUNCTION_TIMEOUT_MARGIN_MS = 2_000;

/** The largest request body the API accepts (413 PAYLOAD_TOO_LARGE above). */
export const MAX_BODY_BYTES = 16 * 1024;

/** The largest provider answer the client reads (UPSTREAM_BAD_RESPONSE above). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** One EventBridge PutEvents attempt: time to connect, and to the answer. */
export const EVENTBRIDGE_CONNECTION_TIMEOUT_MS = 1_000;
export const EVENTBRIDGE_REQUEST_TIMEOUT_MS = 2_000;

/** A whole event publish, the SDK's retries included, when the caller gives no earlier deadline. */
export const EVENT_PUBLISH_BUDGET_MS = 5_000;

/** reconcile-payments' Lambda timeout: several pages of pulls per run, well inside its 5-minute schedule. */
export const RECONCILE_TIMEOUT_SECONDS = 120;

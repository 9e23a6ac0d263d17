// Our own AWS dependencies (DynamoDB, Secrets Manager, EventBridge) fail well, the same way for every SDK
// client, at its construction, never per call site:
// - a deadline on every call: connection and per-attempt timeouts in the HTTP handler, and one abort signal
//   per call (retries and back-off included) that ends at the call's budget or the invocation's deadline
//   (request-scope.ts), whichever comes first, so a hung endpoint cannot eat the Lambda's time;
// - what failed transiently (timeout, abort, reset or refusal, throttling, 5xx) becomes the contract's
//   503 DEPENDENCY_UNAVAILABLE, counted per dependency (DependencyUnavailable, pages). Anything else (a
//   condition failure, access denied, not found, validation) passes through for the caller to judge.
import { AsyncLocalStorage } from 'node:async_hooks';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { InitializeHandlerOptions, InitializeMiddleware } from '@smithy/types';
import { ApiError, isApiError } from '../errors.ts';
import { DEPENDENCY_BUDGETS } from '../limits.ts';
import { logger } from '../observability/logger.ts';
import { publishDependencyMetrics } from '../observability/metrics.ts';
import { MetricName } from '../observability/metric-names.ts';
import type { Dependency } from './dependency-names.ts';
import { currentRequest } from '../observability/request-scope.ts';

// The SDK's own notion of transient (smithy's service-error-classification), written out so that a
// mocked client classifies exactly like a real one.
const TRANSIENT_NAMES = new Set([
  'AbortError',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalServerError',
  'InternalFailure',
  'InternalServiceError',
  'InternalException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'TransactionInProgressException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
}

/** Whether an AWS SDK error says "try again later": our dependency, not our request, was at fault. */
export const isTransientAwsError = (error: unknown, depth = 0): boolean => {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { name, code, cause, $metadata, $retryable } = error as SdkErrorShape;
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : 0;
  return (
    (typeof name === 'string' && TRANSIENT_NAMES.has(name)) ||
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    status === 429 ||
    status >= 500 ||
    $retryable !== undefined ||
    isTransientAwsError(cause, depth + 1)
  );
};

const nameOf = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

/** A transient failure as DEPENDENCY_UNAVAILABLE, counted and logged once; anything else unchanged. */
export const classifyDependencyError = (dependency: Dependency, error: unknown, operation = 'call'): unknown => {
  if (isApiError(error)) return error;
  if (!isTransientAwsError(error)) return error;
  publishDependencyMetrics(dependency, [[MetricName.DependencyUnavailable, 'Count', 1]]);
  const reason = `${dependency}: ${operation} failed (${nameOf(error)})`;
  logger.warn('dependency unavailable', { dependency, operation, error_name: nameOf(error) });
  return new ApiError('DEPENDENCY_UNAVAILABLE', { dependency, reason, cause: error });
};

/** The call's abort signal, for the HTTP handler under it (the SDK passes it only from `send` options). */
const callSignal = new AsyncLocalStorage<AbortSignal>();

/** How long the call may still run: its own budget, within what the invocation has left. */
const remainingFor = (budgetMs: number): number => {
  const scope = currentRequest();
  return Math.max(0, scope === undefined ? budgetMs : Math.min(budgetMs, scope.deadline - Date.now()));
};

/** Node's HTTP handler, but every attempt is also bound to its call's abort signal. */
class DeadlineHttpHandler extends NodeHttpHandler {
  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    const signal = callSignal.getStore();
    if (!signal) return super.handle(request, options);
    const given = options.abortSignal instanceof AbortSignal ? options.abortSignal : undefined;
    return super.handle(request, { ...options, abortSignal: given ? AbortSignal.any([given, signal]) : signal });
  }
}

/** The constructor options every client of `dependency` is built with (merge the client's own into them). */
export const dependencyClientConfig = (dependency: Dependency) => {
  const budget = DEPENDENCY_BUDGETS[dependency];
  return {
    maxAttempts: budget.maxAttempts,
    requestHandler: new DeadlineHttpHandler({
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.attemptTimeoutMs,
      // Without it the SDK only warns when requestTimeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    }),
  };
};

interface SmithyContext {
  __smithy_context?: { abortSignal?: AbortSignal | { aborted: boolean } };
  commandName?: string;
}

/**
 * Adds the call deadline and the classification to a client (any AWS SDK v3 client: DynamoDB, Secrets
 * Manager, EventBridge): outermost in its middleware stack, so it sees the call once, retries included.
 */
interface GuardableClient {
  middlewareStack: { add(middleware: InitializeMiddleware<object, object>, options: InitializeHandlerOptions & { priority: 'high'; name: string; override: boolean }): void };
}

export const guardAwsClient = <C extends GuardableClient>(client: C, dependency: Dependency): C => {
  const budget = DEPENDENCY_BUDGETS[dependency];
  const middleware: InitializeMiddleware<object, object> = (next, context) => async (args) => {
    const operation = (context as SmithyContext).commandName ?? 'call';
    const remaining = remainingFor(budget.callTimeoutMs);
    const timeout = AbortSignal.timeout(Math.max(1, remaining));
    const smithy = ((context as SmithyContext).__smithy_context ??= {});
    const given = smithy.abortSignal instanceof AbortSignal ? smithy.abortSignal : undefined;
    const signal = given ? AbortSignal.any([given, timeout]) : timeout;
    // The retry middleware reads the signal here: no back-off sleeps past the deadline.
    smithy.abortSignal = signal;
    try {
      if (remaining <= 0) throw Object.assign(new Error('no time left before the deadline'), { name: 'TimeoutError' });
      return await callSignal.run(signal, () => next(args));
    } catch (error) {
      throw classifyDependencyError(dependency, error, operation);
    }
  };
  client.middlewareStack.add(middleware, { step: 'initialize', priority: 'high', name: `${dependency}DeadlineAndClassification`, override: true });
  return client;
};

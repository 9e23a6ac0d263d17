// What belongs to one invocation, for whatever runs during it: the Lambda context, the keys every log line
// of the request carries, and the provider call reported for the request's line (request-log.ts). Kept in
// an AsyncLocalStorage, so requests served side by side in one process (`npm start`, or Lambda's
// multi-concurrency) never see each other's.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import { INTEGRATION_TIMEOUT_MS, RESPONSE_MARGIN_MS } from '../limits.ts';

export interface RequestScope {
  lambda: Context | undefined;
  /** Whether this is the container's first invocation. */
  coldStart: boolean;
  /** Added to every log line written during the request (request_id, stage). */
  keys: Record<string, unknown>;
  /** The provider call (or request metric) waiting to ride on the request's line. */
  pending?: unknown;
  /** The logger's per-invocation reads of the environment (log level, X-Ray trace id), made once. */
  logThreshold?: number;
  /** null: the invocation has none. */
  traceId?: string | null;
  /**
   * Epoch ms by which everything the invocation waits on must have ended: provider calls (the builder's
   * ctx.budget) and AWS calls (shared/aws/dependency.ts). The Lambda's own deadline less the margin to
   * answer, computed here once, as the invocation starts.
   */
  deadline: number;
}

const deadlineOf = (context: Context | undefined): number => {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : INTEGRATION_TIMEOUT_MS;
  return Date.now() + Math.max(0, remaining - RESPONSE_MARGIN_MS);
};

const storage = new AsyncLocalStorage<RequestScope>();
let coldStart = true;

/** The current invocation's scope, if code runs inside one. */
export const currentRequest = (): RequestScope | undefined => storage.getStore();

/** Wraps a Lambda handler: each invocation runs in a scope of its own; `onEnd` sees it once it is over. */
export const withRequestScope =
  <E, R>(handler: (event: E, context: Context) => Promise<R>, onEnd?: (scope: RequestScope) => void) =>
  (event: E, context: Context): Promise<R> => {
    const scope: RequestScope = { lambda: context, coldStart, keys: {}, deadline: deadlineOf(context) };
    coldStart = false;
    return storage.run(scope, async () => {
      try {
        return await handler(event, context);
      } finally {
        onEnd?.(scope);
      }
    });
  };

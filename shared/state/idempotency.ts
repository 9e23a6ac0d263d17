// `Idempotency-Key` on a POST route, with Powertools Idempotency (DynamoDB persistence on the payment-state
// table) rather than a hand-written lock. How it meets the contract:
// - the record's id hashes the caller and the key only; the body is the payload validated against it,
//   so the same key with another body is IdempotencyValidationError → 422 IDEMPOTENCY_KEY_REUSED;
// - the first answer (status and body) is stored for 24 h and replayed without calling the route again;
// - while the first call runs its record is INPROGRESS → 409 IDEMPOTENCY_CONFLICT, until it ends or the
//   Lambda's remaining time (registered per call) has passed, so a killed call does not lock the key;
// - a call that throws deletes its record: failures (5xx-class, and also refusals, which created
//   nothing) are not stored and may be retried; a retry reaches the provider with the same reference
//   (the body's, or one derived from the caller and the key), and an uncertain outcome (timeout, reset,
//   5xx: the provider may have acted) is recorded under that reference (uncertain-outcomes.ts);
// - when the call succeeded but its answer could not be stored, the caller still gets the answer (the
//   provider acted: a 5xx would invite a retry that acts again), and that is recorded the same way;
// - when the call itself recorded its outcome (create-order: SkipPay's order created, our order write failed,
//   ORDER_NOT_RECORDED), its error is not recorded a second time here.
// Its errors become contract codes here and nowhere else (the edge's toApiError sees ApiErrors only).
// Powertools and its DynamoDB persistence layer are imported on the first keyed request only
// (idempotency-layer.ts); the persistence layer sends through client.ts's one client (deadline, 503 classification).
import type { Context } from 'aws-lambda';
import { ApiError, isApiError } from '../errors.ts';
import type { JsonResult } from '../http/response.ts';
import { requireOwner } from '../http/owner.ts';
import { logger } from '../observability/logger.ts';
import type * as Layer from './idempotency-layer.ts';
import { itemId, PAYMENTS_TABLE_PARTITION_KEY, PAYMENTS_TABLE_TTL_ATTRIBUTE, RETENTION_SECONDS } from './keys.ts';
import { ANSWER_NOT_STORED, keyHashOf, recordUncertainOutcome, uncertainOutcomeOf } from './uncertain-outcomes.ts';

// Set once the first keyed request has imported it; no Powertools error can exist before then.
let powertools: typeof Layer | undefined;
const loadPowertools = async (): Promise<typeof Layer> => (powertools ??= await import('./idempotency-layer.ts'));

/** What an idempotent route needs from its RouteContext. */
export interface IdempotentContext {
  settings: { PAYMENTS_TABLE: string };
  headers: { 'idempotency-key'?: string | undefined };
  caller: string | undefined;
  lambdaContext: Context;
}

interface KeyedRequest<B, R extends JsonResult = JsonResult> {
  /** Keys are scoped per authenticated caller: one clinic's key never replays another's answer. */
  caller: string;
  key: string;
  body: B;
  /** The call's answer once produced (not hashed: the key is `[caller, key]`, the payload `body`). */
  produced?: R;
}

/**
 * The reference a keyed request without one is sent with: the same on every retry of the key (so the
 * provider sees one reference per checkout), different per caller and key. Shaped like a generated one.
 */
export const keyedReference = (caller: string | undefined, key: string): string => `CPA-${keyHashOf(caller ?? '', key).slice(0, 32).toUpperCase()}`;

/** How the wrapper names a keyed request's outcome at the provider, for reconciliation. */
export interface OutcomeNaming<B, R extends JsonResult = JsonResult> {
  /** The reference the provider keeps for the request (the body's, else keyedReference). */
  referenceOf: (body: B, caller: string | undefined, key: string) => string;
  /** The provider's id in an answer, if any. */
  providerIdOf?: (answer: R) => string | undefined;
}

const causeChain = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  for (let cause = error; cause !== undefined && chain.length < 6; cause = (cause as { cause?: unknown }).cause) {
    chain.push(cause);
    if (typeof cause !== 'object' || cause === null) break;
  }
  return chain;
};

const idempotencyError = (error: unknown): unknown => {
  if (powertools === undefined) return error;
  const {
    IdempotencyAlreadyInProgressError,
    IdempotencyInconsistentStateError,
    IdempotencyItemNotFoundError,
    IdempotencyUnknownError,
    IdempotencyValidationError,
  } = powertools;
  if (error instanceof IdempotencyValidationError) {
    return new ApiError('IDEMPOTENCY_KEY_REUSED', { reason: 'idempotency: another body for this key' });
  }
  // Inconsistent state (retried by Powertools) and a record gone between write and read both mean
  // another call with this key was running a moment ago.
  if (
    error instanceof IdempotencyAlreadyInProgressError ||
    error instanceof IdempotencyInconsistentStateError ||
    error instanceof IdempotencyItemNotFoundError
  ) {
    return new ApiError('IDEMPOTENCY_CONFLICT', { reason: `idempotency: ${error.name}` });
  }
  // The store itself failed (IdempotencyPersistenceLayerError and the rest): ours, not the caller's;
  // DEPENDENCY_UNAVAILABLE where the DynamoDB client classified it as transient (shared/aws/dependency.ts).
  if (error instanceof IdempotencyUnknownError) {
    const dependencyFailure = causeChain(error).find((cause) => isApiError(cause) && cause.code === 'DEPENDENCY_UNAVAILABLE');
    if (dependencyFailure) return dependencyFailure;
    return new ApiError('INTERNAL_ERROR', { reason: `idempotency: ${error.name}`, cause: error });
  }
  return error; // the route's own ApiError, unchanged
};

/**
 * The route's domain function, made idempotent on the `Idempotency-Key` header where one is sent.
 * The persistence layer is built on first use, never at import.
 */
export const withIdempotencyKey = <B, C extends IdempotentContext, R extends JsonResult>(
  functionName: string,
  fn: (body: B, ctx: C) => Promise<R>,
  naming?: OutcomeNaming<B, R>,
): ((body: B, ctx: C) => Promise<R>) => {
  const byTable = new Map<string, { config: Layer.IdempotencyConfig; run: (request: KeyedRequest<B, R>, ctx: C) => Promise<R> }>();
  const idempotentFor = (table: string, lib: typeof Layer) => {
    let entry = byTable.get(table);
    if (!entry) {
      const { DynamoDBPersistenceLayer, dynamoClient, IdempotencyConfig, makeIdempotent } = lib;
      const config = new IdempotencyConfig({
        eventKeyJmesPath: '[caller, key]',
        payloadValidationJmesPath: 'body',
        expiresAfterSeconds: RETENTION_SECONDS.idempotency,
        hashFunction: 'sha256',
        responseHook: (response) => {
          logger.info('idempotent replay', { function: functionName });
          return response;
        },
      });
      const persistenceStore = new DynamoDBPersistenceLayer({
        tableName: table,
        keyAttr: PAYMENTS_TABLE_PARTITION_KEY,
        expiryAttr: PAYMENTS_TABLE_TTL_ATTRIBUTE,
        awsSdkV3Client: dynamoClient(),
      });
      const run = makeIdempotent(
        async (request: KeyedRequest<B, R>, ctx: C) => {
          request.produced = await fn(request.body, ctx);
          return request.produced;
        },
        {
          persistenceStore,
          config,
          keyPrefix: itemId.idempotencyPrefix(functionName),
        },
      );
      entry = { config, run };
      byTable.set(table, entry);
    }
    return entry;
  };

  return async (body, ctx) => {
    const key = ctx.headers['idempotency-key'];
    if (key === undefined) return fn(body, ctx);
    // Before the try: a module that fails to load sent nothing anywhere, so it is no uncertain outcome.
    const { config, run } = idempotentFor(ctx.settings.PAYMENTS_TABLE, await loadPowertools());
    // Bounds the INPROGRESS lock to this invocation's lifetime.
    config.registerLambdaContext(ctx.lambdaContext);
    // The caller is the verified owner (issue 17): one without an owner never reaches a key (the route
    // answered 401 already; this is the backstop).
    const request: KeyedRequest<B, R> = { caller: requireOwner(ctx.caller), key, body };
    try {
      return await run(request, ctx);
    } catch (error) {
      const failure = idempotencyError(error);
      const outcome = request.produced ? ANSWER_NOT_STORED : uncertainOutcomeOf(failure);
      if (naming && outcome) {
        await recordUncertainOutcome({
          table: ctx.settings.PAYMENTS_TABLE,
          functionName,
          reference: naming.referenceOf(body, request.caller, key),
          keyHash: keyHashOf(request.caller, key),
          outcome,
          orderToken: request.produced ? naming.providerIdOf?.(request.produced) : undefined,
        });
      }
      if (request.produced) return request.produced;
      throw failure;
    }
  };
};

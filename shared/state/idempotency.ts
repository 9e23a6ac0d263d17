// `Idempotency-Key` on a POST route, with Powertools Idempotency (DynamoDB persistence on the payment-state
// table) rather than a hand-written lock. How it meets the contract:
// - the record's id hashes the caller and the key only; the body is the payload validated against it,
//   so the same key with another body is IdempotencyValidationError → 422 IDEMPOTENCY_KEY_REUSED;
// - the first answer (status and body) is stored for 24 h and replayed without calling the route again;
// - while the first call runs its record is INPROGRESS → 409 IDEMPOTENCY_CONFLICT, until it ends or the
//   Lambda's remaining time (registered per call) has passed, so a killed call does not lock the key;
// - a call that throws deletes its record: failures (5xx-class, and also refusals, which created
//   nothing) are not stored and may be retried.
// Its errors become contract codes here and nowhere else (the edge's toApiError sees ApiErrors only).
// Powertools and the DynamoDB client are imported on the first keyed request only (idempotency-layer.ts).
import type { Context } from 'aws-lambda';
import { ApiError } from '../errors.ts';
import type { JsonResult } from '../http/response.ts';
import { logger } from '../observability/logger.ts';
import type * as Layer from './idempotency-layer.ts';
import { itemId, PAYMENTS_TABLE_PARTITION_KEY, PAYMENTS_TABLE_TTL_ATTRIBUTE, RETENTION_SECONDS } from './keys.ts';

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

interface KeyedRequest<B> {
  /** Keys are scoped per authenticated caller: one clinic's key never replays another's answer. */
  caller: string;
  key: string;
  body: B;
}

export const idempotencyError = (error: unknown): unknown => {
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
  // The store itself failed (IdempotencyPersistenceLayerError and the rest): ours, not the caller's.
  if (error instanceof IdempotencyUnknownError) {
    return new ApiError('INTERNAL_ERROR', { reason: `idempotency: ${error.name}`, cause: error });
  }
  return error; // the route's own ApiError, unchanged
};

/**
 * The route's domain function, made idempotent on the `Idempotency-Key` header where one is sent.
 * The persistence layer is built on first use, never at import.
 */
export const withIdempotencyKey = <B, C extends IdempotentContext>(
  functionName: string,
  fn: (body: B, ctx: C) => Promise<JsonResult>,
): ((body: B, ctx: C) => Promise<JsonResult>) => {
  const byTable = new Map<string, { config: Layer.IdempotencyConfig; run: (request: KeyedRequest<B>, ctx: C) => Promise<JsonResult> }>();
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
      const run = makeIdempotent((request: KeyedRequest<B>, ctx: C) => fn(request.body, ctx), {
        persistenceStore,
        config,
        keyPrefix: itemId.idempotencyPrefix(functionName),
      });
      entry = { config, run };
      byTable.set(table, entry);
    }
    return entry;
  };

  return async (body, ctx) => {
    const key = ctx.headers['idempotency-key'];
    if (key === undefined) return fn(body, ctx);
    try {
      const { config, run } = idempotentFor(ctx.settings.PAYMENTS_TABLE, await loadPowertools());
      // Bounds the INPROGRESS lock to this invocation's lifetime.
      config.registerLambdaContext(ctx.lambdaContext);
      return await run({ caller: ctx.caller ?? '', key, body }, ctx);
    } catch (error) {
      throw idempotencyError(error);
    }
  };
};

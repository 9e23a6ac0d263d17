// The HTTP API's CORS rule, in one place: the stack's `corsPreflight` and the local server (local/cors.ts)
// both read it, so a header a frontend needs cannot be allowed locally and refused in a stage. Only the
// origins differ per stage (StageConfig.corsOrigins; the local server allows its own demo page).
// No imports: infra/ and local/ load it without pulling in the SDK or the CDK.

export const CORS_RULE = {
  allowMethods: ['POST', 'GET', 'OPTIONS'],
  /** `authorization` for the clinic JWT, `idempotency-key` for POST /v1/orders. */
  allowHeaders: ['content-type', 'authorization', 'idempotency-key'],
  /** The one response header a frontend must read: it quotes it when reporting a problem. */
  exposeHeaders: ['x-request-id'],
  maxAgeSeconds: 60 * 60,
} as const;

// `npm start`: the whole API on http://127.0.0.1:${PORT:-3000}, run by the same handler modules as Lambda,
// behind an API Gateway stand-in (routes from the catalog, CORS from the stack's rule, payload 2.0
// events), with the provider sandbox, Secrets Manager, DynamoDB and EventBridge stand-ins on loopback, the
// demo clinic page at /, the OpenAPI document at /openapi.json (rendered at /docs), and local-only
// `GET /__events`, `POST /__sandbox/…` and `POST /__reconcile` for the demo page (dev-routes.ts). A local
// token issuer (local/auth.ts) serves POST /oauth2/token and /.well-known/jwks.json, and every clinic route
// is authorized as API Gateway's JWT authorizer would before its function runs. Ctrl-C or SIGTERM stops all of it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { FUNCTIONS, requiredScope, type FunctionSpec } from '#shared/catalog.ts';
import { resetSecretsCache } from '#shared/config/secrets.ts';
import { resetSettingsCache } from '#shared/config/settings.ts';
import { ApiError } from '#shared/errors.ts';
import { errorResponse } from '#shared/http/response.ts';
import { DEMO_CLINICS, startLocalIssuer, type LocalIssuer } from './auth.ts';
import { isPreflight, preflightHeaders, responseCorsHeaders, withoutCorsHeaders } from './cors.ts';
import { demoFile, isDemoFile } from './demo-page.ts';
import { readBody } from './http-body.ts';
import { devAnswer } from './dev-routes.ts';
import { docsFile, isDocsPath } from './docs-page.ts';
import { headersOf, httpApiEvent, lambdaContext, toHttpAnswer, writeAnswer, type LocalRequest } from './events.ts';
import { openApiText } from './openapi.ts';
import { compileRoutes, loadHandler, matchRoute, type LambdaHandler, type LocalRoute } from './router.ts';
import { applyEnvironment } from './environment.ts';
import { closeStandIns, connectSkipPayWebhook, LOCAL_EVENT_BUS, localStageEnvironment, startStandIns, type StandIns } from './stage.ts';
import { listen } from './listen.ts';

export interface LocalServerOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the sandbox and its fake credentials never leave loopback. */
  host?: string;
  /** Other clinic frontends (e.g. `http://localhost:5173`) allowed by CORS and as ETpay return origins. */
  clinicOrigins?: readonly string[];
}

export interface LocalServer {
  /** `http://127.0.0.1:3000`: the API, the demo page and /openapi.json. */
  origin: string;
  routes: readonly LocalRoute[];
  standIns: StandIns;
  issuer: LocalIssuer;
  close(): Promise<void>;
}

/**
 * The demo page's "clinic server": `/demo-clinic/v1/…` is forwarded to `/v1/…` with an access token this
 * server got for clinica-demo-a with its client credentials. The browser never sees a client secret, nor
 * the token: it is the server-side shape a clinic should copy (README, Authenticating).
 */
const DEMO_CLINIC_PREFIX = '/demo-clinic';
const DEMO_CLINIC = DEMO_CLINICS[0];

/** Lambda's invocation payload limit: anything larger never reaches a function. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** How long close() lets requests in flight finish before cutting them. */
const SHUTDOWN_GRACE_MS = 2_000;

let running = false;

const contractError = (error: ApiError, requestId: string) => toHttpAnswer(errorResponse(error, requestId));

export const startLocalServer = async (options: LocalServerOptions = {}): Promise<LocalServer> => {
  // The functions read process.env, as in Lambda; two local stages in one process would share it.
  if (running) throw new Error('a local server is already running in this process');
  running = true;
  const host = options.host ?? '127.0.0.1';
  const routes = compileRoutes(FUNCTIONS);
  const handlers = new Map<string, LambdaHandler>();
  const cors: { allowOrigins: string[] } = { allowOrigins: [] };
  let widgetOrigin = '';
  let openapi: string | undefined;
  let issuer: LocalIssuer | undefined;
  let demoToken: { value: string; renewAt: number } | undefined;
  const demoClinicToken = async (auth: LocalIssuer): Promise<string> => {
    if (!demoToken || demoToken.renewAt <= Date.now()) {
      const answer = await auth.issue(DEMO_CLINIC.clientId, DEMO_CLINIC.clientSecret);
      const { access_token: value, expires_in: expiresIn } = answer.body as { access_token: string; expires_in: number };
      demoToken = { value, renewAt: Date.now() + (expiresIn - 60) * 1000 };
    }
    return demoToken.value;
  };
  // Requests that arrive while the stage is still starting wait for it rather than fail.
  const { promise: whenReady, resolve: ready } = Promise.withResolvers<void>();

  const invoke = async (request: LocalRequest, route: LocalRoute, pathParameters: Record<string, string> | undefined, requestId: string) => {
    const handler = handlers.get(route.functionName);
    if (!handler || !issuer) return contractError(new ApiError('INTERNAL_ERROR'), requestId);
    const event = httpApiEvent(request, { routeKey: route.routeKey, pathParameters }, requestId);
    // API Gateway's JWT authorizer, before the function: provider routes are public, as in the stages.
    const spec: FunctionSpec | undefined = (FUNCTIONS as Readonly<Record<string, FunctionSpec>>)[route.functionName];
    if (spec?.public !== true) {
      try {
        const caller = await issuer.authorize(request.headers.authorization, requiredScope(route));
        (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims: caller.claims, scopes: caller.scopes } };
      } catch (error) {
        return contractError(error instanceof ApiError ? error : new ApiError('UNAUTHORIZED'), requestId);
      }
    }
    try {
      return toHttpAnswer(await handler(event, lambdaContext(`clinic-payments-local-${route.functionName}`)));
    } catch (error) {
      // The functions answer their own errors; reaching here is a bug worth seeing in the console.
      console.error(`[local] ${route.functionName} threw`, error);
      return contractError(new ApiError('INTERNAL_ERROR'), requestId);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await whenReady;
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const headers = headersOf(req);
    const url = new URL(req.url ?? '/', 'http://local');
    // Every answer carries it, preflights and static files too; a function's own (the same id) wins.
    res.setHeader('x-request-id', requestId);
    if (isPreflight(method, headers)) {
      writeAnswer(res, { status: 204, headers: preflightHeaders(headers, cors), body: Buffer.alloc(0) });
      return;
    }
    const body = await readBody(req, MAX_REQUEST_BYTES);
    const corsHeaders = responseCorsHeaders(headers, cors);
    if (issuer && method === 'POST' && url.pathname === '/oauth2/token') {
      const answer = body === undefined ? { status: 413, body: { error: 'invalid_request' } } : await issuer.token(headers, body);
      writeAnswer(res, {
        status: answer.status,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...corsHeaders },
        body: Buffer.from(JSON.stringify(answer.body)),
      });
      return;
    }
    if (issuer && method === 'GET' && url.pathname === '/.well-known/jwks.json') {
      writeAnswer(res, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...corsHeaders }, body: Buffer.from(JSON.stringify(issuer.jwks)) });
      return;
    }
    if (issuer && url.pathname.startsWith(`${DEMO_CLINIC_PREFIX}/v1/`)) {
      url.pathname = url.pathname.slice(DEMO_CLINIC_PREFIX.length);
      headers.authorization = `Bearer ${await demoClinicToken(issuer)}`;
    }
    if (method === 'GET' && isDemoFile(url.pathname)) {
      const file = await demoFile(url.pathname, widgetOrigin);
      if (file) {
        writeAnswer(res, file);
        return;
      }
    }
    if (method === 'GET' && isDocsPath(url.pathname)) {
      writeAnswer(res, await docsFile(url.pathname));
      return;
    }
    if (method === 'GET' && url.pathname === '/openapi.json') {
      openapi ??= openApiText();
      writeAnswer(res, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...corsHeaders }, body: Buffer.from(openapi) });
      return;
    }
    // Local-only: the events the EventBridge stand-in received, and the sandbox controls (dev-routes.ts).
    const dev = standIns && body !== undefined ? await devAnswer(method, url.pathname, body, standIns) : undefined;
    if (dev) {
      writeAnswer(res, { ...dev, headers: { ...dev.headers, ...corsHeaders } });
      return;
    }
    const match = matchRoute(routes, method, url.pathname);
    const answer =
      body === undefined
        ? contractError(new ApiError('PAYLOAD_TOO_LARGE'), requestId)
        : !match
          ? contractError(new ApiError('NOT_FOUND'), requestId)
          : await invoke(
              { method, target: `${url.pathname}${url.search}`, headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
              match.route,
              match.pathParameters,
              requestId,
            );
    writeAnswer(res, { ...answer, headers: { ...withoutCorsHeaders(answer.headers), ...corsHeaders } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[local] request failed', error);
      const requestId = res.getHeader('x-request-id');
      if (!res.headersSent) writeAnswer(res, contractError(new ApiError('INTERNAL_ERROR'), typeof requestId === 'string' ? requestId : randomUUID()));
      else res.destroy();
    });
  });

  let standIns: StandIns | undefined;
  let restoreEnvironment: () => void = () => undefined;
  try {
    const port = await listen(server, options.port ?? 3000, host);
    const origin = `http://${host}:${port}`;
    // The demo page may be opened as 127.0.0.1 or localhost; both are its own origin.
    const demoOrigins = [...new Set([origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`])];
    cors.allowOrigins = [...demoOrigins, ...(options.clinicOrigins ?? [])];

    standIns = await startStandIns(host);
    issuer = await startLocalIssuer(origin);
    widgetOrigin = new URL(standIns.sandbox.spotWidgetUrl).origin;
    restoreEnvironment = applyEnvironment(localStageEnvironment(standIns, origin, cors.allowOrigins));
    // Each start is a fresh set of containers: nothing read under a previous run's URLs survives.
    resetSettingsCache();
    resetSecretsCache();
    connectSkipPayWebhook(standIns.sandbox, origin);
    for (const name of new Set(routes.map((route) => route.functionName))) handlers.set(name, await loadHandler(name));
    ready();

    let closing: Promise<void> | undefined;
    const started = standIns;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        await closeStandIns(started);
        restoreEnvironment();
        running = false;
      })());
    return { origin, routes, standIns: started, issuer, close };
  } catch (error) {
    server.closeAllConnections();
    server.close();
    if (standIns) await closeStandIns(standIns);
    restoreEnvironment();
    running = false;
    throw error;
  }
};

const printBanner = (server: LocalServer): void => {
  const { sandbox } = server.standIns;
  const lines = [
    '',
    'clinic-payments-api · stage local · clinic routes need a Bearer token (README, Authenticating)',
    `  API        ${server.origin}/v1/…`,
    `  Demo page  ${server.origin}/`,
    `  OpenAPI    ${server.origin}/openapi.json  (rendered at ${server.origin}/docs)`,
    `  Tokens     POST ${server.origin}/oauth2/token (client credentials), JWKS ${server.origin}/.well-known/jwks.json`,
    ...DEMO_CLINICS.map((clinic) => `             demo clinic ${clinic.clientId} / ${clinic.clientSecret}  scopes ${clinic.scopes.join(' ')}`),
    `  Demo clinic server  ${server.origin}${DEMO_CLINIC_PREFIX}/v1/…  (holds clinica-demo-a's credentials; the demo page calls it)`,
    `  Sandbox    ${sandbox.origin}  (SkipPay ${sandbox.skippayApiUrl}, Spot ${sandbox.spotWidgetUrl}, ETpay ${sandbox.etpayApiUrl})`,
    `  Stand-ins  Secrets Manager ${server.standIns.secretsManager.endpoint}, DynamoDB (dynalite, in memory) ${server.standIns.dynamo.endpoint} table ${server.standIns.dynamo.tableName}`,
    `             EventBridge ${server.standIns.eventBridge.endpoint} bus ${LOCAL_EVENT_BUS}; events received: GET ${server.origin}/__events`,
    `  Reconcile  POST ${server.origin}/__reconcile runs reconcile-payments once (in a stage: every 5 minutes)`,
    '  Routes',
    ...server.routes.map((route) => `    ${route.routeKey.padEnd(48)} ${route.functionName}`),
    '  Faults     put FAULT-503, FAULT-TIMEOUT, FAULT-401… in any text field (see local/sandbox/README.md)',
    `  Control    POST ${server.origin}/__sandbox/{etpay/sessions|skippay/orders}/{id}/paid: paid at the provider, not notified`,
    '  Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
};

const main = async (): Promise<void> => {
  const port = Number(process.env.PORT ?? 3000);
  const clinicOrigins = (process.env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  let server: LocalServer;
  try {
    server = await startLocalServer({ port, clinicOrigins });
  } catch (error) {
    const code = (error as { code?: string }).code;
    console.error(code === 'EADDRINUSE' ? `Port ${port} is in use; try PORT=${port + 1} npm start` : error);
    process.exit(1);
  }
  printBanner(server);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      console.log(`\n${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the API, the sandbox and the stand-ins…`);
    server.close().then(
      () => {
        console.log('stopped');
        // Everything is closed, so the process ends by itself; this only guards a stray handle.
        setTimeout(() => process.exit(0), 1_000).unref();
      },
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

if (import.meta.main) await main();

// Local-only paths beside the API on the local server's own origin, because the demo page may fetch only
// that origin (its CSP says `connect-src 'self'`): what the EventBridge stand-in received, and the
// sandbox controls. Never part of a deployed stage: the stack knows nothing of them.
import { getSecret } from '#shared/config/secrets.ts';
import { reconcilePayments } from '#shared/routes/reconcile-payments/reconcile-payments.ts';
import { lambdaContext } from './events.ts';
import { runControl } from './sandbox/index.ts';
import type { StandIns } from './stage.ts';

const EVENTS_PATH = '/__events';
const SANDBOX_CONTROL_PREFIX = '/__sandbox';
const RECONCILE_PATH = '/__reconcile';
/** `POST /__reconcile` pulls what is due by this long from now: the demo need not wait out the 2-minute first check. */
const DEMO_DUE_AHEAD_MS = 60 * 60_000;

/** One reconcile-payments run, as the stage's schedule would invoke it (local/README: no timer runs it by itself). */
const runReconcile = async (): Promise<DevAnswer> => {
  const summary = await reconcilePayments(
    { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
    lambdaContext('reconcile-payments', 60_000),
    { secrets: getSecret, dueBy: new Date(Date.now() + DEMO_DUE_AHEAD_MS) },
  );
  return json(200, { summary });
};

interface DevAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const json = (status: number, body: unknown): DevAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: Buffer.from(JSON.stringify(body)),
});

/**
 * `GET /__events`: `{events: [...]}`, the `Payment Status Changed` (and any other) events put on the local
 * bus, newest first, as a rule's target would receive them. `POST /__sandbox/{etpay/sessions|skippay/orders}/{id}/{paid|failed|pull-fault}`:
 * the sandbox control (local/sandbox/README.md). `POST /__reconcile`: one reconcile-payments run now, counting
 * as due what will be due within the hour; answers its summary. Anything else: undefined, for the API router.
 */
export const devAnswer = (method: string, pathname: string, body: Buffer, standIns: StandIns): DevAnswer | Promise<DevAnswer> | undefined => {
  if (pathname === RECONCILE_PATH) return method === 'POST' ? runReconcile() : json(405, { error: 'method_not_allowed' });
  if (pathname === EVENTS_PATH) {
    return method === 'GET' ? json(200, { events: [...standIns.eventBridge.events].reverse() }) : json(405, { error: 'method_not_allowed' });
  }
  if (pathname.startsWith(`${SANDBOX_CONTROL_PREFIX}/`)) {
    if (method !== 'POST') return json(405, { error: 'method_not_allowed' });
    const answer = runControl(standIns.sandbox.control, pathname.slice(SANDBOX_CONTROL_PREFIX.length), body.toString('utf8'));
    return json(answer.status, answer.body);
  }
  return undefined;
};

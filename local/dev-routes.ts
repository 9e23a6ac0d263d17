// Local-only paths beside the API on the local server's own origin, because the demo page may fetch only
// that origin (its CSP says `connect-src 'self'`): what the EventBridge stand-in received, and the
// sandbox controls. Never part of a deployed stage: the stack knows nothing of them.
import { runControl } from './sandbox/index.ts';
import type { StandIns } from './stage.ts';

export const EVENTS_PATH = '/__events';
export const SANDBOX_CONTROL_PREFIX = '/__sandbox';

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
 * the sandbox control (local/sandbox/README.md). Anything else: undefined, for the API router.
 */
export const devAnswer = (method: string, pathname: string, body: Buffer, standIns: StandIns): DevAnswer | undefined => {
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

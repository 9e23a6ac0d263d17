// Just enough of Amazon EventBridge (AWS JSON 1.1 protocol, `AWSEvents.PutEvents`) for the real SDK client
// pointed at it with AWS_ENDPOINT_URL_EVENTBRIDGE, so the local run publishes through the real events
// code path. Keeps what it received in memory, as a rule's target would see it, for the demo page
// (`GET /__events` on the local server) and the tests. Signatures are not checked: dummy credentials do.
import { randomUUID } from 'node:crypto';
import { startAwsJsonStandIn } from './aws-json-standin.ts';

/** One event as EventBridge delivers it to a rule's target. */
export interface ReceivedEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  /** Not in a delivered event: which bus it was put on. */
  'event-bus-name': string;
}

export interface EventBridgeStandIn {
  endpoint: string;
  /** Events accepted so far, oldest first (at most the last MAX_KEPT_EVENTS). Clear with `events.length = 0`. */
  readonly events: ReceivedEvent[];
  /** PutEvents requests received, answered or failed (to assert on retries). */
  readonly calls: number;
  /** The next `count` PutEvents requests fail with HTTP 500 `InternalException` (the SDK retries those). */
  failNext(count: number): void;
  close(): Promise<void>;
}

export interface EventBridgeStandInOptions {
  port?: number;
  host?: string;
  /** Buses that exist besides `default`. PutEvents to any other is refused per entry, as in AWS. */
  buses?: readonly string[];
  region?: string;
}

const ACCOUNT_ID = '000000000000';
const MAX_KEPT_EVENTS = 500;
const MAX_ENTRIES = 10;
/** PutEvents' own limit on one request. */
const MAX_BODY_BYTES = 256 * 1024;

type EntryAnswer = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The bus name of a name or an ARN (`arn:aws:events:…:event-bus/NAME`). */
const busNameOf = (value: unknown): string | undefined =>
  value === undefined ? 'default' : typeof value === 'string' ? value.replace(/^arn:aws[a-z-]*:events:[^:]*:\d{12}:event-bus\//, '') : undefined;

/** Time arrives as epoch seconds (the SDK's JSON 1.1 timestamp), absent means now. */
const timeOf = (value: unknown): string =>
  new Date(typeof value === 'number' && Number.isFinite(value) ? value * 1000 : Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function startEventBridgeStandIn(options: EventBridgeStandInOptions = {}): Promise<EventBridgeStandIn> {
  const region = options.region ?? 'us-east-1';
  const host = options.host ?? '127.0.0.1';
  const buses = new Set(['default', ...(options.buses ?? [])]);
  const events: ReceivedEvent[] = [];
  let calls = 0;
  let failures = 0;

  const accept = (entry: unknown): EntryAnswer => {
    if (!isRecord(entry)) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry is not an object' };
    const { Source: source, DetailType: detailType, Detail: detailText } = entry;
    if (typeof source !== 'string' || source === '' || typeof detailType !== 'string' || detailType === '' || typeof detailText !== 'string') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source, DetailType and Detail are required' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(detailText);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!isRecord(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    const bus = busNameOf(entry.EventBusName);
    if (bus === undefined || !buses.has(bus)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${String(entry.EventBusName)} does not exist.` };
    }
    const id = randomUUID();
    const resources = Array.isArray(entry.Resources) ? entry.Resources.filter((r): r is string => typeof r === 'string') : [];
    events.push({ version: '0', id, 'detail-type': detailType, source, account: ACCOUNT_ID, time: timeOf(entry.Time), region, resources, detail, 'event-bus-name': bus });
    if (events.length > MAX_KEPT_EVENTS) events.splice(0, events.length - MAX_KEPT_EVENTS);
    return { EventId: id };
  };

  const server = await startAwsJsonStandIn({
    target: 'AWSEvents.PutEvents',
    maxBodyBytes: MAX_BODY_BYTES,
    internalErrorType: 'InternalException',
    port: options.port,
    host,
    handle: (body, reply) => {
      calls += 1;
      if (failures > 0) {
        failures -= 1;
        reply.error(500, 'InternalException', 'Stand-in fault: internal error');
        return;
      }
      let input: unknown;
      try {
        input = JSON.parse(body);
      } catch {
        reply.error(400, 'SerializationException', 'The request body is not JSON');
        return;
      }
      const entries = isRecord(input) ? input.Entries : undefined;
      if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
        reply.error(400, 'ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} entries`);
        return;
      }
      const answers = entries.map(accept);
      reply.ok({ FailedEntryCount: answers.filter((answer) => 'ErrorCode' in answer).length, Entries: answers });
    },
  });

  return {
    endpoint: server.endpoint,
    events,
    get calls() {
      return calls;
    },
    failNext: (count) => {
      failures = count;
    },
    close: server.close,
  };
}

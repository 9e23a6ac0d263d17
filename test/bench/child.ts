// One measured process: imports a bundle as Lambda would and calls its handler. Started by run.ts, the
// same way for ours and bare, as plain JavaScript (so no TypeScript stripper sits in its memory or its
// module cache); reports on fd 3 (stdout takes the function's own log lines).
//   cold: import + first call, once.
//   warm: WARMUP calls, then CALLS timed calls against the loopback sandbox, one at a time.
//   pure: the same, with fetch and DynamoDB answering in-process (the secret is cached after the first call).
//   loaded: import + first call, untimed, recording every file the module loader reads (entry and chunks).
import { readFileSync, statSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as InProcessHttp from './in-process-http.ts';

interface Answer {
  statusCode?: number;
  headers?: Record<string, unknown>;
  body?: string;
}
type Handler = (event: unknown, context: unknown) => Promise<Answer>;

export interface ChildReport {
  importMs: number;
  firstCallMs: number;
  /** CPU (all threads, user + system) of import + first call: what a smaller Lambda slows down. */
  coldCpuMs: number;
  /** Status and sorted keys of the first answer's body and headers: ours and bare must match. */
  shape: string;
  /** ms per timed call (warm and pure only), wall clock. */
  samples: number[];
  /**
   * This thread's CPU time over the timed calls, ms per call: unlike wall time, not inflated when other
   * processes take the core. A mean: the kernel counts thread CPU in scheduler ticks, too coarse per call.
   */
  cpuMsPerCall: number;
  /** Calls whose status was not the expected one. */
  wrongStatus: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** loaded only: bytes of every JavaScript file import + first call read (the entry and each chunk it imported). */
  loadedBytes?: number;
  loadedFiles?: number;
}

const need = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const mode = need('BENCH_MODE');
const eventTemplate = need('BENCH_EVENT');
const expectedStatus = Number(need('BENCH_STATUS'));
const warmup = Number(process.env.BENCH_WARMUP ?? 0);
const calls = Number(process.env.BENCH_CALLS ?? 0);
// Requests that differ per call (a signed event id): one per line, used in turn; read before anything is timed.
const eventsFile = process.env.BENCH_EVENTS;
const templates = eventsFile ? readFileSync(eventsFile, 'utf8').split('\n') : [eventTemplate];

if (mode === 'pure') {
  // The provider answers at once, from memory: what remains is our own time per request.
  const providerAnswer = process.env.BENCH_PROVIDER_ANSWER;
  if (providerAnswer === undefined) {
    globalThis.fetch = () => Promise.reject(new Error('this workload has no provider to call'));
  } else {
    const { status, body } = JSON.parse(providerAnswer) as { status: number; body: unknown };
    const text = JSON.stringify(body);
    const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) };
    globalThis.fetch = () => Promise.resolve(new Response(text, { status, headers }));
  }
  // State writes too: DynamoDB's answer to PutItem/UpdateItem/DeleteItem without ReturnValues is `{}`;
  // a read answers what the workload says the table holds (BENCH_DYNAMO_ANSWERS, per operation).
  const dynamoPort = Number(process.env.BENCH_DYNAMO_PORT);
  // Loaded only here: a cold run must not find node:http already loaded on the bundle's behalf.
  if (dynamoPort) {
    // run.ts runs this file as JavaScript (see `jsChild`): the sibling has the same extension.
    const sibling = new URL(`in-process-http${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);
    const { answerInProcess } = (await import(sibling.href)) as typeof InProcessHttp;
    const byOperation = JSON.parse(process.env.BENCH_DYNAMO_ANSWERS ?? '{}') as Record<string, unknown>;
    answerInProcess(dynamoPort, '{}', 'application/x-amz-json-1.0', Object.fromEntries(Object.entries(byOperation).map(([operation, body]) => [operation, JSON.stringify(body)])));
  }
}
const uniqueHeader = process.env.BENCH_UNIQUE_HEADER;

let sequence = 0;
const nextEvent = (): unknown => {
  const event = JSON.parse(templates[sequence % templates.length] ?? eventTemplate) as { requestContext: { requestId: string }; headers: Record<string, string> };
  sequence += 1;
  event.requestContext.requestId = `bench-${process.pid}-${sequence}`;
  if (uniqueHeader) event.headers[uniqueHeader] = `${event.headers[uniqueHeader] ?? ''}-${process.pid}-${sequence}`;
  return event;
};
const context = () => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  memoryLimitInMB: '512',
  awsRequestId: `bench-${sequence}`,
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 20_000,
});

const shapeOf = (answer: Answer): string => {
  let body: unknown;
  try {
    body = JSON.parse(answer.body ?? '');
  } catch {
    body = undefined;
  }
  const keys = (value: unknown) => (typeof value === 'object' && value !== null ? Object.keys(value).sort().join(',') : String(value));
  return `${answer.statusCode} body{${keys(body)}} headers{${keys(answer.headers)}}`;
};

// Which files a cold request reads: a loader hook sees every module the bundle imports, static or dynamic.
// In-thread (registerHooks) and only in this mode: it slows loading, so no timed run has it.
const loadedFiles = new Set<string>();
if (mode === 'loaded') {
  const { registerHooks } = await import('node:module');
  registerHooks({
    load: (url, context, nextLoad) => {
      if (url.startsWith('file:')) loadedFiles.add(url);
      return nextLoad(url, context);
    },
  });
}

const event0 = nextEvent();
const context0 = context();
const cpuBefore = process.cpuUsage();
const started = performance.now();
const mod: unknown = await import(pathToFileURL(resolve(need('BENCH_BUNDLE'))).href);
const imported = performance.now();
const handler = (mod as { handler?: unknown }).handler;
if (typeof handler !== 'function') throw new Error('the bundle exports no handler');
const call = handler as Handler;
const first = await call(event0, context0);
const firstCalled = performance.now();
const coldCpu = process.cpuUsage(cpuBefore);

let wrongStatus = first.statusCode === expectedStatus ? 0 : 1;
const samples: number[] = [];
let cpuStart: NodeJS.CpuUsage | undefined;
if (mode === 'warm' || mode === 'pure') {
  for (let i = 0; i < warmup + calls; i++) {
    // Each Lambda invocation starts as a new macrotask (the runtime's next-invocation request resolves on
    // the event loop): timers and finalizers run between calls, as they do there.
    await new Promise((resolve) => setImmediate(resolve));
    const event = nextEvent();
    const ctx = context();
    if (i === warmup) cpuStart = process.threadCpuUsage();
    const t0 = performance.now();
    const answer = await call(event, ctx);
    const ms = performance.now() - t0;
    if (answer.statusCode !== expectedStatus) wrongStatus += 1;
    if (i >= warmup) samples.push(ms);
  }
}

const memory = process.memoryUsage();
const report: ChildReport = {
  importMs: imported - started,
  firstCallMs: firstCalled - imported,
  coldCpuMs: (coldCpu.user + coldCpu.system) / 1000,
  shape: shapeOf(first),
  samples,
  cpuMsPerCall: cpuStart ? ((cpu) => (cpu.user + cpu.system) / 1000 / Math.max(1, calls))(process.threadCpuUsage(cpuStart)) : Number.NaN,
  wrongStatus,
  rssBytes: memory.rss,
  heapUsedBytes: memory.heapUsed,
  ...(mode === 'loaded'
    ? { loadedBytes: [...loadedFiles].reduce((sum, url) => sum + statSync(new URL(url)).size, 0), loadedFiles: loadedFiles.size }
    : {}),
};
writeSync(3, JSON.stringify(report));
// Idle keep-alive sockets (SDK, fetch) would otherwise hold the process open; Lambda would freeze it here.
process.exit(0);

// Magic values, like a card network's test card numbers: a frontend developer types one into any text
// field that reaches a provider and sees how the API behaves when that provider misbehaves.
import type { Exchange } from './http.ts';
import { sendError } from './http.ts';

export interface FaultSpec {
  /** What the provider stand-in answers: an HTTP status, `'2xx'` (its usual success status) or `null` (none). */
  status: number | '2xx' | null;
  behaviour: string;
  /** What the API contract says the clinic gets back (before any retry the contract allows). */
  apiOutcome: { status: number; code: string };
}

export const SANDBOX_FAULTS = {
  'FAULT-500': {
    status: 500,
    behaviour: 'HTTP 500 with a JSON error body',
    apiOutcome: { status: 503, code: 'UPSTREAM_UNAVAILABLE' },
  },
  'FAULT-502': {
    status: 502,
    behaviour: 'HTTP 502 with an HTML body, as a gateway in front of the provider answers',
    apiOutcome: { status: 503, code: 'UPSTREAM_UNAVAILABLE' },
  },
  'FAULT-503': {
    status: 503,
    behaviour: 'HTTP 503 with Retry-After: 1',
    apiOutcome: { status: 503, code: 'UPSTREAM_UNAVAILABLE' },
  },
  'FAULT-429': {
    status: 429,
    behaviour: 'HTTP 429 with Retry-After: 1',
    apiOutcome: { status: 503, code: 'UPSTREAM_UNAVAILABLE' },
  },
  'FAULT-401': {
    status: 401,
    behaviour: 'HTTP 401, as if our credentials were wrong',
    apiOutcome: { status: 502, code: 'UPSTREAM_AUTH_FAILED' },
  },
  'FAULT-403': {
    status: 403,
    behaviour: 'HTTP 403, as if our credentials were revoked',
    apiOutcome: { status: 502, code: 'UPSTREAM_AUTH_FAILED' },
  },
  'FAULT-422': {
    status: 422,
    behaviour: 'HTTP 422: the provider rejects the request itself',
    apiOutcome: { status: 422, code: 'UPSTREAM_REJECTED' },
  },
  'FAULT-TIMEOUT': {
    status: null,
    behaviour: 'never answers; the connection stays open until the client gives up',
    apiOutcome: { status: 504, code: 'UPSTREAM_TIMEOUT' },
  },
  'FAULT-MALFORMED': {
    status: '2xx',
    behaviour: 'the usual success status, Content-Type application/json, a body that is not JSON',
    apiOutcome: { status: 502, code: 'UPSTREAM_BAD_RESPONSE' },
  },
  'FAULT-EMPTY': {
    status: '2xx',
    behaviour: 'the usual success status with JSON that lacks the required fields',
    apiOutcome: { status: 502, code: 'UPSTREAM_BAD_RESPONSE' },
  },
  'FAULT-RESET': {
    status: null,
    behaviour: 'sends a success status line and part of the body, then destroys the connection',
    apiOutcome: { status: 503, code: 'UPSTREAM_UNAVAILABLE' },
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultValue = keyof typeof SANDBOX_FAULTS;
export const FAULT_VALUES = Object.keys(SANDBOX_FAULTS) as FaultValue[];

function isFaultValue(value: string): value is FaultValue {
  return Object.hasOwn(SANDBOX_FAULTS, value);
}

/** The first magic value found among the string values of a parsed JSON body, at any depth. */
export function findFault(body: unknown): FaultValue | undefined {
  // Iterative, so a deeply nested body cannot overflow the stack.
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (isFaultValue(value)) return value;
    } else if (Array.isArray(value)) {
      pending.push(...(value as unknown[]));
    } else if (typeof value === 'object' && value !== null) {
      pending.push(...Object.values(value as Record<string, unknown>));
    }
  }
  return undefined;
}

const BAD_GATEWAY_HTML = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';

/**
 * Answers as the fault says. `successStatus` and `partialBody` are the endpoint's own: a fault that
 * pretends to succeed must look like that endpoint's success.
 */
export function answerFault(ex: Exchange, fault: FaultValue, successStatus: number, partialBody: object): void {
  const { res } = ex;
  switch (fault) {
    case 'FAULT-500':
      sendError(res, 500, 'internal_error', 'Sandbox fault: internal error');
      return;
    case 'FAULT-502':
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': String(BAD_GATEWAY_HTML.length) });
      res.end(BAD_GATEWAY_HTML);
      return;
    case 'FAULT-503':
      res.setHeader('retry-after', '1');
      sendError(res, 503, 'service_unavailable', 'Sandbox fault: service unavailable');
      return;
    case 'FAULT-429':
      res.setHeader('retry-after', '1');
      sendError(res, 429, 'rate_limited', 'Sandbox fault: too many requests');
      return;
    case 'FAULT-401':
      sendError(res, 401, 'unauthorized', 'Sandbox fault: invalid credentials');
      return;
    case 'FAULT-403':
      sendError(res, 403, 'forbidden', 'Sandbox fault: credentials revoked');
      return;
    case 'FAULT-422':
      sendError(res, 422, 'unprocessable_entity', 'Sandbox fault: the provider rejected the request');
      return;
    case 'FAULT-TIMEOUT':
      // Deliberately no answer; close() destroys the socket if the client has not given up by then.
      return;
    case 'FAULT-MALFORMED': {
      const text = '<html><body>Esto no es JSON {"hash":';
      res.writeHead(successStatus, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }
    case 'FAULT-EMPTY': {
      const text = JSON.stringify(partialBody);
      res.writeHead(successStatus, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }
    case 'FAULT-RESET':
      // A promised length the body never reaches: the client sees the connection die mid-body.
      res.writeHead(successStatus, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write('{"hash":"ord_', () => {
        res.destroy();
      });
      return;
  }
}

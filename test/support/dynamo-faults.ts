// DynamoDB failing for chosen calls only, mid-request: a test names which calls (by operation and input) and
// how they fail, and those calls' HTTP requests are sent to a dead endpoint instead of the table (one that
// accepts and never answers, or one that refuses), through the real client, its deadline and classification.
// Everything else reaches the table as usual.
import type { ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-dynamodb';
import type { BuildMiddleware } from '@smithy/types';
import { dynamoClient } from '#shared/state/client.ts';
import type { DeadEndpoints } from './dead-endpoints.ts';

export type DynamoFault = 'hung' | 'refused';

/** One call as the rule sees it: operation (`QueryCommand`, `PutItemCommand`...) and its input (marshalled). */
export interface DynamoCall {
  operation: string;
  input: Record<string, unknown>;
}

export interface DynamoFaults {
  /** From now on, every call the rule picks fails that way (undefined: reaches the table). */
  set(rule: ((call: DynamoCall) => DynamoFault | undefined) | undefined): void;
  /** Calls the rule sent to a dead endpoint so far. */
  readonly faulted: DynamoCall[];
}

/** A marshalled or plain string attribute value, as a string. */
export const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'object' && value !== null && typeof (value as { S?: unknown }).S === 'string' ? (value as { S: string }).S : undefined;

/** The item id a single-item call is about (Key or Item `id`). */
export const itemIdOf = (call: DynamoCall): string | undefined => {
  const key = (call.input.Key ?? call.input.Item) as Record<string, unknown> | undefined;
  return stringOf(key?.id);
};

/** Installs the rule on the state's DynamoDB client (call after the table is up, once per client). */
export const useDynamoFaults = (dead: DeadEndpoints): DynamoFaults => {
  let rule: ((call: DynamoCall) => DynamoFault | undefined) | undefined;
  const faulted: DynamoCall[] = [];
  const redirect: BuildMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
    const call = { operation: (context as { commandName?: string }).commandName ?? 'call', input: args.input as unknown as Record<string, unknown> };
    const fault = rule?.(call);
    const request = args.request as { hostname?: string; port?: number; protocol?: string } | undefined;
    if (fault && request) {
      faulted.push(call);
      const target = new URL(fault === 'hung' ? dead.hung : dead.refused);
      request.hostname = target.hostname;
      request.port = Number(target.port);
      request.protocol = target.protocol;
    }
    return next(args);
  };
  let installedOn: unknown;
  return {
    set: (next) => {
      const client = dynamoClient();
      if (installedOn !== client) {
        client.middlewareStack.add(redirect, { step: 'build', name: 'testDynamoFaults', override: true });
        installedOn = client;
      }
      rule = next;
    },
    faulted,
  };
};

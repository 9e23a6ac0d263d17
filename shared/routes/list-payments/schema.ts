// GET /v1/payments: the query and the answer as the contract defines them (v1.1), with the query's one
// range rule.
import * as z from 'zod/mini';
import type { RouteResult } from '../../http/response.ts';
import { paymentViewSchema } from '../../state/orders.ts';
import { ORDER_STATUSES } from '../../state/transitions.ts';

const MAX_RANGE_DAYS = 31;
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_LIMIT = 50;

const instant = z.pipe(
  z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }),
  z.transform((text) => new Date(text).toISOString()),
);

/** No path parameters. */
export const listPaymentsPath = z.object({});

export const listPaymentsQuery = z
  .strictObject({
    provider: z.optional(z.enum(['etpay', 'skippay'])),
    status: z.optional(z.enum(ORDER_STATUSES)),
    from: z.optional(instant),
    to: z.optional(instant),
    limit: z._default(z.coerce.number().check(z.int('must be an integer'), z.gte(1), z.lte(100)), DEFAULT_LIMIT),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  })
  .check(
    z.refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, {
      path: ['to'],
      error: 'must be after from',
    }),
    z.refine(
      (query) => query.from === undefined || query.to === undefined || Date.parse(query.to) - Date.parse(query.from) <= MAX_RANGE_DAYS * DAY_MS,
      { path: ['to'], error: `must be at most ${MAX_RANGE_DAYS} days after from` },
    ),
  );
export type ListPaymentsQuery = z.output<typeof listPaymentsQuery>;

/** [from, to): both given, or the missing end 31 days from the other, or the last 31 days. */
export const rangeOf = (query: ListPaymentsQuery, now = Date.now()): { from: string; to: string } => {
  const span = MAX_RANGE_DAYS * DAY_MS;
  if (query.from !== undefined && query.to !== undefined) return { from: query.from, to: query.to };
  if (query.from !== undefined) return { from: query.from, to: new Date(Date.parse(query.from) + span).toISOString() };
  const to = query.to ?? new Date(now + 1).toISOString();
  return { from: new Date(Date.parse(to) - span).toISOString(), to };
};

/** 200: one page of the caller's orders, newest first; `next_cursor` while more may exist. */
export const listPaymentsResponse = {
  status: 200,
  body: z.strictObject({ payments: z.array(paymentViewSchema), next_cursor: z.optional(z.string()) }),
} as const;
export type ListPaymentsResult = RouteResult<typeof listPaymentsResponse>;

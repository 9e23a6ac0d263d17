// SkipPay (gokeipay-api): AAPD order creation. The client secret authenticates; it never leaves the server.
import * as z from 'zod/mini';
import { callProvider, type CallBudget } from './http-client.ts';
import { providerTokenSchema } from '../domain/provider-token.ts';
import { endpoint } from './urls.ts';

export interface SkipPayOrder {
  reference: string;
  /** CLP, integer; SkipPay wants it as a string. */
  total_amount: number;
  customer: {
    /** `12345678-5` */
    rut: string;
    first_name: string;
    last_name: string;
    email: string;
    /** E.164 */
    phone_number: string;
  };
  /** The clinic (provider) giving the care, `12345678-5`. */
  provider_rut?: string | undefined;
}

const orderCreated = z.object({
  // The hash becomes the widget's `order_token`: only URL-safe token characters are accepted.
  hash: providerTokenSchema,
  status: z.optional(z.string().check(z.maxLength(64))),
});
export type SkipPayOrderCreated = z.output<typeof orderCreated>;

export interface SkipPayConnection extends CallBudget {
  apiUrl: string;
  clientSecret: string;
}

/** Sent at most once: SkipPay order creation is not idempotent, so it is never retried. */
export const createSkipPayOrder = (order: SkipPayOrder, connection: SkipPayConnection): Promise<SkipPayOrderCreated> =>
  callProvider({
    provider: 'skippay',
    operation: 'create-order',
    url: endpoint(connection.apiUrl, 'orders'),
    headers: { authorization: `Bearer ${connection.clientSecret}` },
    body: {
      reference: order.reference,
      total_amount: String(order.total_amount),
      customer: order.customer,
      ...(order.provider_rut ? { provider_rut: order.provider_rut } : {}),
    },
    schema: orderCreated,
    timeoutMs: connection.timeoutMs,
    deadline: connection.deadline,
    retry: 'never',
  });

// ETpay: payment session initialisation. The merchant's code and API token come from the stage's secret;
// the signature_token that comes back confirms the payment later and never goes to the browser.
import * as z from 'zod/mini';
import { callProvider, type CallBudget } from './http-client.ts';
import { providerTokenSchema } from '../domain/provider-token.ts';
import { endpoint } from './urls.ts';

export interface EtpaySessionRequest {
  merchant_order_id: string;
  order_amount: number;
  customer_email?: string | undefined;
  metadata?: { name: string; value: string; show: boolean }[] | undefined;
  user_bank_code?: string | undefined;
  /** ETpay's form, `123456785`. */
  user_rut?: string | undefined;
  is_rut_block?: boolean | undefined;
  payment_completed_url?: string | undefined;
  payment_cancellation_url?: string | undefined;
  payment_webhook_url?: string | undefined;
}

const sessionInitialised = z.object({
  token: providerTokenSchema,
  signature_token: z.string().check(z.minLength(1), z.maxLength(1024)),
  terms_url: z.optional(z.string().check(z.maxLength(2048))),
});
export type EtpaySessionInitialised = z.output<typeof sessionInitialised>;

export interface EtpayConnection extends CallBudget {
  apiUrl: string;
  merchantCode: string;
  merchantApiToken: string;
}

const withoutUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A session that is never used expires at ETpay: safe to retry once on a connection failure or a 503. */
export const initEtpaySession = (request: EtpaySessionRequest, connection: EtpayConnection): Promise<EtpaySessionInitialised> =>
  callProvider({
    provider: 'etpay',
    operation: 'session-initialize',
    url: endpoint(connection.apiUrl, 'session/initialize'),
    body: {
      merchant_code: connection.merchantCode,
      merchant_api_token: connection.merchantApiToken,
      ...withoutUndefined(request),
    },
    schema: sessionInitialised,
    timeoutMs: connection.timeoutMs,
    deadline: connection.deadline,
    retry: 'once-on-unavailable',
  });

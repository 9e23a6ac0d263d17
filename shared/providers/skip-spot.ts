// Skip's backend, Spot endpoints: mint a widget token. Authenticated by the public key only; the SkipPay
// client secret is never sent here.
import * as z from 'zod/mini';
import { callProvider, type CallBudget } from './http-client.ts';
import { providerTokenSchema } from '../domain/provider-token.ts';
import { endpoint } from './urls.ts';

export interface SpotWidgetRequest {
  /** `12345678-5` */
  rut: string;
  user_data: { name: string; surname: string; email: string; phone_number: string };
  /** The SkipPay order hash: present for the AAPD flow, absent for a standard Spot registration. */
  order_token?: string | undefined;
}

const widgetMinted = z.object({
  widget_token: providerTokenSchema,
  url: z.string().check(z.minLength(1), z.maxLength(4096)),
});
export type SpotWidgetMinted = z.output<typeof widgetMinted>;

export interface SpotConnection extends CallBudget {
  backendUrl: string;
  publicKey: string;
}

/**
 * Minting only creates a short-lived token: safe to retry once on a connection failure or a 503. `check`
 * refuses an answer the route cannot use (UPSTREAM_BAD_RESPONSE, counted as this call's outcome).
 */
export const mintWidgetToken = (
  request: SpotWidgetRequest,
  connection: SpotConnection,
  check?: (minted: SpotWidgetMinted) => void,
): Promise<SpotWidgetMinted> => {
  const url = endpoint(connection.backendUrl, 'spot/widget');
  url.searchParams.set('public_key', connection.publicKey);
  return callProvider({
    provider: 'skip-backend',
    operation: 'mint-widget-token',
    url,
    body: {
      rut: request.rut,
      user_data: request.user_data,
      ...(request.order_token ? { order_token: request.order_token } : {}),
    },
    schema: widgetMinted,
    timeoutMs: connection.timeoutMs,
    deadline: connection.deadline,
    retry: 'once-on-unavailable',
    ...(check ? { check } : {}),
  });
};

// The ETpay route's one domain call: open a bank-transfer session and answer with what the browser needs.
import { etpayRut } from '../../domain/index.ts';
import { recordEtpaySession } from '../../etpay/session-store.ts';
import type { RouteContext } from '../../http/route.ts';
import { initEtpaySession } from '../../providers/etpay.ts';
import { endpoint } from '../../providers/urls.ts';
import { assertReturnUrls } from './return-urls.ts';
import type { CreateEtpaySessionBody, CreateEtpaySessionResult } from './schema.ts';

export const createEtpaySession = async (
  input: CreateEtpaySessionBody,
  ctx: RouteContext<'create-etpay-session'>,
): Promise<CreateEtpaySessionResult> => {
  const { STAGE, ETPAY_API_URL, ETPAY_RETURN_ORIGINS, ETPAY_PAYMENT_URL, ETPAY_WEBHOOK_URL, PAYMENTS_TABLE } = ctx.settings;
  const returnUrls = assertReturnUrls(
    { payment_completed_url: input.payment_completed_url, payment_cancellation_url: input.payment_cancellation_url },
    ETPAY_RETURN_ORIGINS,
    STAGE,
  );
  const etpay = await ctx.secret();
  const session = await initEtpaySession(
    {
      ...input,
      ...returnUrls, // as URL.href, never the raw text
      user_rut: input.user_rut === undefined ? undefined : etpayRut(input.user_rut),
      // Where the stage listens, ETpay also notifies the result server to server.
      payment_webhook_url: ETPAY_WEBHOOK_URL,
    },
    {
      apiUrl: ETPAY_API_URL,
      merchantCode: etpay.ETPAY_MERCHANT_CODE,
      merchantApiToken: etpay.ETPAY_MERCHANT_API_TOKEN,
      ...ctx.budget,
    },
  );
  await recordEtpaySession(PAYMENTS_TABLE, {
    token: session.token,
    signature_token: session.signature_token,
    merchant_order_id: input.merchant_order_id,
    order_amount: input.order_amount,
    created_at: new Date().toISOString(),
  });
  return {
    statusCode: 201,
    body: {
      token: session.token,
      ...(session.terms_url ? { terms_url: session.terms_url } : {}),
      merchant_order_id: input.merchant_order_id,
      ...(ETPAY_PAYMENT_URL ? { payment_url: endpoint(ETPAY_PAYMENT_URL, `session/${session.token}`).toString() } : {}),
    },
  };
};

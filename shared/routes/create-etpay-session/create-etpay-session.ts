// The ETpay route's one domain call: open a bank-transfer session for the caller's order (which keeps its
// first amount) and answer with what the browser needs.
import { etpayRut } from '../../domain/index.ts';
import { ApiError } from '../../errors.ts';
import type { RouteContext } from '../../http/route.ts';
import { initEtpaySession } from '../../providers/etpay.ts';
import { endpoint } from '../../providers/urls.ts';
import { addAttempt, openOrder } from '../../state/orders.ts';
import { sessionRefusal } from '../../state/transitions.ts';
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
  // The secret first: a stage that cannot read it opens no order (and the failure is counted as Secrets Manager's).
  const etpay = await ctx.secret();
  // The owner's order keeps its first amount: another amount, or a paid order, and ETpay is never called.
  const { order, created } = await openOrder(PAYMENTS_TABLE, {
    owner: ctx.caller,
    provider: 'etpay',
    id: input.merchant_order_id,
    amount: input.order_amount,
  });
  const refusal = created ? undefined : sessionRefusal(order, input.order_amount);
  if (refusal) throw new ApiError(refusal, { reason: `etpay session: ${refusal}` });
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
  await addAttempt(PAYMENTS_TABLE, order, {
    provider: 'etpay',
    providerId: session.token,
    amount: input.order_amount,
    signatureToken: session.signature_token,
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

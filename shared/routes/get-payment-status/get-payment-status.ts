// The payment-status route's one domain call, for both its routes: the provider is told apart by the path
// parameter its route names. Only the owner's order is ever found: another clinic's order answers 404
// exactly like an unknown one. `?refresh=true` asks the provider first while the order is unpaid and its newest attempt open
// (refresh.ts: rate-limited per order). The refresh path (the provider pulls, the secrets, the event
// publisher) is imported on the first refresh only: a plain read, the common request, loads none of it.
import type { RouteContext, SecretLoader } from '../../http/route.ts';
import { getOrder, paymentView, unknownOrder } from '../../state/orders.ts';
import type * as Refresh from './refresh.ts';
import type { GetPaymentStatusPath, GetPaymentStatusQuery, GetPaymentStatusResult } from './schema.ts';

let refresh: Promise<typeof Refresh> | undefined;
const loadRefresh = (): Promise<typeof Refresh> => (refresh ??= import('./refresh.ts'));

export const getPaymentStatus = async (
  path: GetPaymentStatusPath,
  ctx: RouteContext<'get-payment-status'>,
  query: GetPaymentStatusQuery | undefined,
  secrets: SecretLoader,
): Promise<GetPaymentStatusResult> => {
  const owner = ctx.caller;
  const { PAYMENTS_TABLE } = ctx.settings;
  const read = () =>
    path.merchant_order_id !== undefined
      ? getOrder(PAYMENTS_TABLE, owner, 'etpay', path.merchant_order_id)
      : path.order_token !== undefined
        ? getOrder(PAYMENTS_TABLE, owner, 'skippay', path.order_token)
        : Promise.resolve(undefined);
  let order = await read();
  if (!order) throw unknownOrder();
  if (query?.refresh === 'true' && (await (await loadRefresh()).refreshOrder(PAYMENTS_TABLE, order, ctx.settings, secrets, ctx.budget))) {
    order = (await read()) ?? order;
  }
  return { statusCode: 200, body: paymentView(order) };
};

// ETpay result verification on its own: HS256 with the session's signature_token, and nothing else.
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '#shared/errors.ts';
import { verifyPaymentResult } from '#shared/etpay/payment-result.ts';
import { addAttempt, openOrder } from '#shared/state/orders.ts';
import { usePaymentsTable } from '../../support/dynamo.ts';
import { rs256Result, signResult, unsignedResult, type ResultClaims } from '../../support/etpay-jwt.ts';

const table = usePaymentsTable();
const OWNER = 'https://issuer.test|clinic-a';
const session = { token: 'sess_unit_1', signature_token: 'sig-unit-secret', merchant_order_id: 'OC-UNIT-1', order_amount: 50000 };
const claims: ResultClaims = {
  session_token: session.token,
  merchant_order_id: session.merchant_order_id,
  order_amount: session.order_amount,
  payment_status: 'success',
  payment_token: 'pay_unit_1',
};

beforeAll(async () => {
  // The session as POST /v1/etpay/sessions records it: an attempt on the owner's order.
  const { order } = await openOrder(table.name, { owner: OWNER, provider: 'etpay', id: session.merchant_order_id, amount: session.order_amount });
  await addAttempt(table.name, order, {
    provider: 'etpay',
    providerId: session.token,
    amount: session.order_amount,
    signatureToken: session.signature_token,
  });
});

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'verified',
    (error: unknown) => (error instanceof ApiError ? error.code : 'thrown'),
  );

describe('verifyPaymentResult: the algorithm is pinned to HS256', () => {
  it('HS256 keyed with the session\'s signature_token verifies, with the amount it says moved', async () => {
    const result = await verifyPaymentResult(await signResult(claims, session.signature_token), table.name);
    expect(result).toMatchObject({ payment_status: 'success', payment_token: 'pay_unit_1', amount: 50000, session: { provider_id: session.token } });
  });

  const refused: { name: string; jwt: () => Promise<string> | string }[] = [
    { name: 'HS384 with the right key', jwt: () => signResult(claims, session.signature_token, 'HS384') },
    { name: 'HS512 with the right key', jwt: () => signResult(claims, session.signature_token, 'HS512') },
    { name: 'alg none', jwt: () => unsignedResult(claims) },
    { name: 'RS256', jwt: () => rs256Result(claims) },
    { name: 'HS256 with another key', jwt: () => signResult(claims, 'another-key') },
  ];
  it.each(refused)('$name → INVALID_SIGNATURE', async ({ jwt }) => {
    expect(await codeOf(verifyPaymentResult(await jwt(), table.name))).toBe('INVALID_SIGNATURE');
  });

  it('a notification without payment_token is refused where one is required', async () => {
    const jwt = await signResult({ ...claims, payment_token: undefined }, session.signature_token);
    expect(await codeOf(verifyPaymentResult(jwt, table.name, { requirePaymentToken: true }))).toBe('INVALID_SIGNATURE');
    expect(await codeOf(verifyPaymentResult(jwt, table.name))).toBe('verified');
  });
});

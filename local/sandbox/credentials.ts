// The local stage's credentials, in one place: the sandbox accepts them, the Secrets Manager stand-in
// serves them, and the local run wires the two together. None of them is a real credential.

/** The only merchant the ETpay stand-in accepts. */
export const ETPAY_SANDBOX_MERCHANT_CODE = 'cl_sandbox';
export const ETPAY_SANDBOX_MERCHANT_API_TOKEN = 'sandbox-merchant-token';

/** SecretString of the local stage's Skip secret (the SkipPay stand-in accepts any `st_test_`/`pk_test_` key). */
export const SANDBOX_SKIP_SECRET = {
  SKIP_PUBLIC_KEY: 'pk_test_sandbox',
  SKIPPAY_CLIENT_ID: 'ci_test_sandbox',
  SKIPPAY_CLIENT_SECRET: 'st_test_sandbox',
  SKIPPAY_WEBHOOK_SECRET: 'whsec_test_sandbox',
} as const;

/** SecretString of the local stage's ETpay secret. */
export const SANDBOX_ETPAY_SECRET = {
  ETPAY_MERCHANT_CODE: ETPAY_SANDBOX_MERCHANT_CODE,
  ETPAY_MERCHANT_API_TOKEN: ETPAY_SANDBOX_MERCHANT_API_TOKEN,
} as const;

/** Secret names for the local stage (SKIP_SECRET_ID / ETPAY_SECRET_ID). */
export const SANDBOX_SECRET_IDS = {
  skip: 'clinic-payments/local/skip',
  etpay: 'clinic-payments/local/etpay',
} as const;

/** Ready for `startSecretsManagerStandIn(sandboxSecrets())`. */
export function sandboxSecrets(ids: { skip: string; etpay: string } = SANDBOX_SECRET_IDS): Record<string, string> {
  return { [ids.skip]: JSON.stringify(SANDBOX_SKIP_SECRET), [ids.etpay]: JSON.stringify(SANDBOX_ETPAY_SECRET) };
}

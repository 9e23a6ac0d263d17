// The payment-state table's design in one place: its key and TTL attribute (the stack creates the table
// from these), every item id the code writes, and how long each kind of item lives. No SDK import here,
// so infra/ can import it without bundling the AWS SDK into the CDK app.

/** The partition key: a string (`S`), `<kind>#<id>`. No sort key: every read is by id. */
export const PAYMENTS_TABLE_PARTITION_KEY = 'id';
/** The TTL attribute, epoch seconds. Powertools Idempotency uses the same name by default. */
export const PAYMENTS_TABLE_TTL_ATTRIBUTE = 'expiration';

/**
 * The table as DynamoDB's CreateTable takes it, for every place that creates one outside the stack (the local
 * stage, the tests); the stack builds the same key with the CDK from the constants above.
 */
export const paymentsTableDefinition = (tableName: string) => ({
  TableName: tableName,
  AttributeDefinitions: [{ AttributeName: PAYMENTS_TABLE_PARTITION_KEY, AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: PAYMENTS_TABLE_PARTITION_KEY, KeyType: 'HASH' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
});

const DAY = 24 * 60 * 60;

/** Seconds each kind of item lives after its last write. */
export const RETENTION_SECONDS = {
  /** The contract's 24 h for an Idempotency-Key's first answer. */
  idempotency: DAY,
  /**
   * The session's signature_token is a credential: kept only while a result can still legitimately
   * arrive (ETpay's result JWTs live minutes; a retried notification, days at most).
   */
  etpaySession: 7 * DAY,
  /**
   * Recorded payments, provider events and the latest state per order: longer than a SkipPay AAPD order
   * can stay open (45 days) and than any provider retries, so a replay is still recognised, and long
   * enough for a clinic to reconcile. Personal data is not stored except what a raw Skip event carries.
   */
  paymentRecords: 90 * DAY,
} as const;

export type PaymentProvider = 'etpay' | 'skippay';

export const itemId = {
  /** Powertools Idempotency appends `#<base64 sha256 of the caller and the Idempotency-Key>`. */
  idempotencyPrefix: (functionName: string): string => `idempotency#${functionName}`,
  /** An initialised ETpay session, by ETpay's session `token`. */
  etpaySession: (token: string): string => `etpay-session#${token}`,
  /** One ETpay payment result, by its `payment_token`: written once, so replays are recognised. */
  etpayPayment: (paymentToken: string): string => `etpay-payment#${paymentToken}`,
  /** One raw SkipPay webhook event, by its `id` (or the sha256 of the raw body when it has none). */
  skippayEvent: (eventId: string): string => `skippay-event#${eventId}`,
  /**
   * A keyed request whose outcome at the provider is unknown (timeout, reset, 5xx) or whose answer could not
   * be stored: `uncertain#create-order#<reference>`, for reconciliation to tell duplicates apart.
   */
  uncertainOutcome: (functionName: string, reference: string): string => `uncertain#${functionName}#${reference}`,
  /** The latest known state of an order: `etpay-order#<merchant_order_id>`, `skippay-order#<hash>`. */
  paymentState: (provider: PaymentProvider, id: string): string => `${provider}-order#${id}`,
};

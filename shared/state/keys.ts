// The payment-state table's design in one place: its key and TTL attribute (the stack creates the table
// from these), every item id the code writes, and how long each kind of item lives. No SDK import here,
// so infra/ can import it without bundling the AWS SDK into the CDK app.
import { createHash } from 'node:crypto';

/** The partition key: a string (`S`), `<kind>#<id>`. No sort key: every single read is by id. */
export const PAYMENTS_TABLE_PARTITION_KEY = 'id';

/**
 * An owner's orders by creation time (GET /v1/payments), never a scan. Sparse:
 * only order items carry `owner_key`, so attempts, events and idempotency records never appear in it.
 */
export const ORDERS_BY_OWNER_INDEX = {
  name: 'orders-by-owner',
  /** `S`: the owner's key (ownerKey below), the same on every order of one clinic application. */
  partitionKey: 'owner_key',
  /** `S`: ISO 8601 UTC with milliseconds (`toISOString()`), so string order is time order. */
  sortKey: 'created_at',
} as const;
/**
 * Attempts whose status the reconciler must still pull (issue 12), by when: `Query` only, never a scan.
 * Sparse: an attempt carries `due_shard` and `next_check_at` only while it is pending and before its
 * provider's expiry; a final answer or the expiry removes both. One partition per provider, so the two
 * providers are swept side by side and one provider's backlog never hides the other's.
 */
export const DUE_ATTEMPTS_INDEX = {
  name: 'due-attempts',
  /** `S`: `due#etpay` | `due#skippay` (dueShard below) for attempts; `due#events` for orders (UNPUBLISHED_EVENTS_SHARD). */
  partitionKey: 'due_shard',
  /** `S`: ISO 8601 UTC with milliseconds, the next time the attempt's status should be pulled. */
  sortKey: 'next_check_at',
} as const;

export const dueShard = (provider: 'etpay' | 'skippay'): string => `due#${provider}`;

/**
 * The same index's third partition: orders whose latest status change may not be on the bus yet. The order
 * write that changes the status puts the order here (next_check_at = when to publish again); a successful
 * publish takes it out; reconcile-payments publishes again what is still here when due.
 */
export const UNPUBLISHED_EVENTS_SHARD = 'due#events';

/** The TTL attribute, epoch seconds. Powertools Idempotency uses the same name by default. */
export const PAYMENTS_TABLE_TTL_ATTRIBUTE = 'expiration';

const DAY = 24 * 60 * 60;

/** Seconds each kind of item lives after its last write. */
export const RETENTION_SECONDS = {
  /** The contract's 24 h for an Idempotency-Key's first answer. */
  idempotency: DAY,
  /**
   * The session's signature_token is a credential: kept only while a result can still legitimately
   * arrive (ETpay's result JWTs live minutes; a retried notification, days at most).
   */
  etpayAttempt: 7 * DAY,
  /**
   * Recorded payments, provider events and the latest state per order: longer than a SkipPay AAPD order
   * can stay open (45 days) and than any provider retries, so a replay is still recognised, and long
   * enough for a clinic to reconcile. Personal data is not stored except what a raw Skip event carries.
   */
  paymentRecords: 90 * DAY,
} as const;

/**
 * A fixed-length, key-safe form of an owner (`iss|client_id`): owners are URLs and ids of any shape, and
 * one owner's keys must never be a prefix of another's.
 */
export const ownerKey = (owner: string): string => createHash('sha256').update(owner).digest('base64url');

export type PaymentProvider = 'etpay' | 'skippay';

export const itemId = {
  /** Powertools Idempotency appends `#<base64 sha256 of the caller and the Idempotency-Key>`. */
  idempotencyPrefix: (functionName: string): string => `idempotency#${functionName}`,
  /**
   * An order: one owner's SkipPay order (`order_token`) or ETpay order (`merchant_order_id`). Two owners
   * with the same merchant_order_id have two orders. Carries `owner_key` and `created_at` (the index).
   */
  order: (owner: string, provider: PaymentProvider, id: string): string => `order#${ownerKey(owner)}#${provider}#${id}`,
  /**
   * One attempt: an ETpay session (by its `token`) or the SkipPay order itself (by its `hash`). Provider
   * results name the attempt, never the order, so this is how a result finds its owner and order.
   */
  attempt: (provider: PaymentProvider, providerId: string): string => `attempt#${provider}#${providerId}`,
  /** One ETpay payment result, by its session and `payment_token`: written once, so replays are recognised. */
  etpayPayment: (sessionToken: string, paymentToken: string): string => `etpay-payment#${sessionToken}#${paymentToken}`,
  /** A browser confirmation that carries no payment_token: recorded once per session and payment_status. */
  etpayConfirmation: (sessionToken: string, paymentStatus: string): string => `etpay-confirmation#${sessionToken}#${paymentStatus}`,
  /** One raw SkipPay webhook event, by its `id` (or the sha256 of the raw body when it has none). */
  skippayEvent: (eventId: string): string => `skippay-event#${eventId}`,
  /**
   * A keyed request whose outcome at the provider is unknown (timeout, reset, 5xx) or whose answer could not
   * be stored, and any request whose provider order our state could not record (keyed or not):
   * `uncertain#create-order#<reference>`, for reconciliation to tell duplicates apart.
   */
  uncertainOutcome: (functionName: string, reference: string): string => `uncertain#${functionName}#${reference}`,
};

/**
 * The table as DynamoDB's CreateTable takes it, for every place that creates one outside the stack (the local
 * stage, the tests); the stack builds the same key and index with the CDK from the constants above
 * (infra/constructs/payments-table.ts; test/infra/stack.test.ts checks they agree).
 */
export const paymentsTableDefinition = (tableName: string) => ({
  TableName: tableName,
  AttributeDefinitions: [
    { AttributeName: PAYMENTS_TABLE_PARTITION_KEY, AttributeType: 'S' as const },
    { AttributeName: ORDERS_BY_OWNER_INDEX.partitionKey, AttributeType: 'S' as const },
    { AttributeName: ORDERS_BY_OWNER_INDEX.sortKey, AttributeType: 'S' as const },
    { AttributeName: DUE_ATTEMPTS_INDEX.partitionKey, AttributeType: 'S' as const },
    { AttributeName: DUE_ATTEMPTS_INDEX.sortKey, AttributeType: 'S' as const },
  ],
  KeySchema: [{ AttributeName: PAYMENTS_TABLE_PARTITION_KEY, KeyType: 'HASH' as const }],
  GlobalSecondaryIndexes: [
    {
      IndexName: ORDERS_BY_OWNER_INDEX.name,
      KeySchema: [
        { AttributeName: ORDERS_BY_OWNER_INDEX.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: ORDERS_BY_OWNER_INDEX.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    },
    {
      IndexName: DUE_ATTEMPTS_INDEX.name,
      KeySchema: [
        { AttributeName: DUE_ATTEMPTS_INDEX.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: DUE_ATTEMPTS_INDEX.sortKey, KeyType: 'RANGE' as const },
      ],
      // Keys only: the reconciler re-reads each attempt consistently before it acts (an index is eventual).
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST' as const,
});

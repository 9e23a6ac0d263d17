// The stage's payment-state table (idempotency records, orders, attempts, provider events) and its two
// indexes (an owner's orders by creation time; attempts due for a status pull), built from the key design in shared/state/keys.ts so the
// code and the table cannot disagree.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DUE_ATTEMPTS_INDEX, ORDERS_BY_OWNER_INDEX, PAYMENTS_TABLE_PARTITION_KEY, PAYMENTS_TABLE_TTL_ATTRIBUTE } from '../../shared/state/keys.ts';
import type { IndexAction, TableAction } from '../../shared/catalog.ts';
import type { DeployStage } from '../config.ts';

export class PaymentsTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { stage: DeployStage }) {
    super(scope, id);
    const production = props.stage === 'production';
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `clinic-payments-${props.stage}`,
      partitionKey: { name: PAYMENTS_TABLE_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: PAYMENTS_TABLE_TTL_ATTRIBUTE,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Production holds the only record of which payments were confirmed: never deleted with the stack.
      deletionProtection: production,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Sparse: only order items carry its keys. ALL, because each listed order is answered whole.
    this.table.addGlobalSecondaryIndex({
      indexName: ORDERS_BY_OWNER_INDEX.name,
      partitionKey: { name: ORDERS_BY_OWNER_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ORDERS_BY_OWNER_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // Sparse: only pending attempts before their provider's expiry carry its keys (reconcile-payments).
    this.table.addGlobalSecondaryIndex({
      indexName: DUE_ATTEMPTS_INDEX.name,
      partitionKey: { name: DUE_ATTEMPTS_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: DUE_ATTEMPTS_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
  }

  /**
   * Exactly the item actions a function's catalog entry declares, on the table's ARN only. Not
   * `Table.grant`: with an index it adds `<table>/index/*` to every grant.
   */
  grantItemActions(grantee: iam.IGrantable, actions: readonly TableAction[]): void {
    iam.Grant.addToPrincipal({ grantee, actions: actions.map((action) => `dynamodb:${action}`), resourceArns: [this.table.tableArn] });
  }

  /** The index actions a function declares, on that one index's ARN: never the table, never a scan. */
  grantIndexActions(grantee: iam.IGrantable, actions: readonly IndexAction[], indexName: string = ORDERS_BY_OWNER_INDEX.name): void {
    const indexArn = `${this.table.tableArn}/index/${indexName}`;
    iam.Grant.addToPrincipal({ grantee, actions: actions.map((action) => `dynamodb:${action}`), resourceArns: [indexArn] });
  }
}

// The stage's payment-state table (idempotency records, ETpay sessions, provider events, latest states),
// built from the key design in shared/state/keys.ts so the code and the table cannot disagree.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PAYMENTS_TABLE_PARTITION_KEY, PAYMENTS_TABLE_TTL_ATTRIBUTE } from '../../shared/state/keys.ts';
import type { TableAction } from '../../shared/catalog.ts';
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
  }

  /** Exactly the single-item actions a function's catalog entry declares; never scans or queries. */
  grantItemActions(grantee: iam.IGrantable, actions: readonly TableAction[]): void {
    this.table.grant(grantee, ...actions.map((action) => `dynamodb:${action}`));
  }
}

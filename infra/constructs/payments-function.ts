// The one way this project builds a Lambda function: what every function shares is fixed here, so the stack
// only says what differs (name, bundle, environment, secret).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_TIMEOUT_SECONDS } from '../../shared/limits.ts';
import { FUNCTION_MEMORY_MB } from '../config.ts';

export interface PaymentsFunctionProps {
  /** Physical name, so the runbook can name the function and its log group. */
  functionName: string;
  description: string;
  /** Directory holding the built `index.mjs` that exports `handler` and the chunks it imports (all deployed). */
  bundlePath: string;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  /** DESTROY in staging (the next deploy must not meet a leftover name), RETAIN in production. */
  logRemovalPolicy: RemovalPolicy;
  /** Only where a function is not behind the API (reconcile-payments): API routes keep FUNCTION_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
}

export class PaymentsFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PaymentsFunctionProps) {
    super(scope, id);
    // Code.fromAsset would also fail on a missing directory, but not on an empty one, and not helpfully.
    if (!existsSync(join(props.bundlePath, 'index.mjs'))) {
      throw new Error(`${props.functionName}: no bundle at ${props.bundlePath}/index.mjs (run \`npm run build\`)`);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    // Our own role instead of the default one: the managed AWSLambdaBasicExecutionRole may write to any log
    // group; this one may write only to its own.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(props.bundlePath),
      handler: 'index.handler',
      memorySize: FUNCTION_MEMORY_MB,
      timeout: Duration.seconds(props.timeoutSeconds ?? FUNCTION_TIMEOUT_SECONDS),
      role: this.role,
      logGroup: this.logGroup,
      // The build ships no source maps (minified ESM, errors are identified by contract code and log
      // context), so no NODE_OPTIONS=--enable-source-maps, which also slows every Error.stack.
      // No X-Ray: no tracer in the bundle; EMF metrics and structured logs carry the signal.
      tracing: lambda.Tracing.DISABLED,
      environment: props.environment,
    });
  }
}

// Who may call the clinic routes: the clinic's own identity provider where one is configured, else a Cognito
// user pool this stage owns. Either way API Gateway checks the JWT before any function runs.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { AuthorizerConfig, DeployStage } from '../config.ts';

export interface ClinicAuthorizerProps {
  stage: DeployStage;
  /** Unset means the Cognito pool (validation has already refused that for production). */
  config: AuthorizerConfig | undefined;
}

export class ClinicAuthorizer extends Construct {
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: ClinicAuthorizerProps) {
    super(scope, id);
    const { stage, config } = props;
    const authorizerName = `clinic-${stage}`;

    if (config?.kind === 'jwt') {
      this.authorizer = new HttpJwtAuthorizer('ClinicJwtAuthorizer', config.issuer, {
        authorizerName,
        jwtAudience: [...config.audience],
      });
      return;
    }

    const production = stage === 'production';
    // Clinic staff accounts, created by an administrator: no self sign-up, strong passwords, TOTP required,
    // and the Plus plan's threat protection (compromised credentials, risky sign-ins) enforced.
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `clinic-payments-${stage}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: production,
      // Losing the production pool would lock every clinic out; staging's can be rebuilt.
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // A browser app: no client secret, SRP sign-in, short-lived tokens. Staging also allows the plain
    // password flow so the runbook's smoke test can sign in from the AWS CLI.
    this.userPoolClient = this.userPool.addClient('ClinicFrontendClient', {
      userPoolClientName: `clinic-frontend-${stage}`,
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: !production },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    this.authorizer = new HttpUserPoolAuthorizer('ClinicUserPoolAuthorizer', this.userPool, {
      authorizerName,
      userPoolClients: [this.userPoolClient],
    });
  }
}

// Who may call the clinic routes: the clinic's own identity provider where one is configured, else a Cognito
// user pool this stage owns, with the `clinic-payments` resource server and one app client per clinic
// system or frontend. Either way API Gateway checks the JWT and the route's scope before any function runs.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { CLINIC_SCOPES, RESOURCE_SERVER } from '../../shared/catalog.ts';
import type { AuthorizerConfig, ClinicAppClient, DeployStage } from '../config.ts';

export interface ClinicAuthorizerProps {
  stage: DeployStage;
  /** Unset means the Cognito pool (validation has already refused that for production). */
  config: AuthorizerConfig | undefined;
  /** The stage's clinic origins: the default browser client may send a person back to them after login. */
  clinicOrigins: readonly string[];
}

export class ClinicAuthorizer extends Construct {
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  /** Every app client the authorizer admits, by name. */
  readonly appClients: Readonly<Record<string, cognito.UserPoolClient>> = {};
  readonly domain?: cognito.UserPoolDomain;
  /** The scope names a write (POST) and a read (GET) route require. */
  readonly scopes: { write: string; read: string };

  constructor(scope: Construct, id: string, props: ClinicAuthorizerProps) {
    super(scope, id);
    const { stage, config } = props;
    const authorizerName = `clinic-${stage}`;

    if (config?.kind === 'jwt') {
      this.scopes = config.scopes ?? { write: `${RESOURCE_SERVER}/${CLINIC_SCOPES.write}`, read: `${RESOURCE_SERVER}/${CLINIC_SCOPES.read}` };
      this.authorizer = new HttpJwtAuthorizer('ClinicJwtAuthorizer', config.issuer, {
        authorizerName,
        jwtAudience: [...config.audience],
      });
      return;
    }

    const production = stage === 'production';
    // Clinic staff accounts, created by an administrator: no self sign-up, strong passwords, TOTP required,
    // and the Plus plan's threat protection (compromised credentials, risky sign-ins) enforced.
    const pool = new cognito.UserPool(this, 'UserPool', {
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
    this.userPool = pool;

    // The contract's scopes: payments.write for every POST clinic route, payments.read for every GET.
    const write = new cognito.ResourceServerScope({ scopeName: CLINIC_SCOPES.write, scopeDescription: 'Create orders, sessions and confirmations' });
    const read = new cognito.ResourceServerScope({ scopeName: CLINIC_SCOPES.read, scopeDescription: 'Read and list the caller\'s payments' });
    const server = pool.addResourceServer('ResourceServer', { identifier: RESOURCE_SERVER, userPoolResourceServerName: RESOURCE_SERVER, scopes: [write, read] });
    const apiScopes = [cognito.OAuthScope.resourceServer(server, write), cognito.OAuthScope.resourceServer(server, read)];
    this.scopes = { write: `${RESOURCE_SERVER}/${CLINIC_SCOPES.write}`, read: `${RESOURCE_SERVER}/${CLINIC_SCOPES.read}` };

    // Where /oauth2/token and the hosted login live (`https://<prefix>.auth.<region>.amazoncognito.com`).
    this.domain = pool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: config?.domainPrefix ?? `clinic-payments-${stage}` },
    });

    const tokenLifetimes = {
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    };
    const addClient = (client: ClinicAppClient): cognito.UserPoolClient => {
      const common = { userPoolClientName: `${client.name}-${stage}`, preventUserExistenceErrors: true, ...tokenLifetimes };
      const created =
        client.kind === 'server'
          ? // A clinic's backend: client credentials with a secret; no user sign-in of any kind.
            pool.addClient(`Client-${client.name}`, {
              ...common,
              generateSecret: true,
              authFlows: {},
              oAuth: { flows: { clientCredentials: true }, scopes: apiScopes },
            })
          : // A clinic's frontend: the authorization-code grant (Cognito requires PKCE of clients without
            // a secret), never the implicit flow; sent back only to the clinic's exact URLs.
            pool.addClient(`Client-${client.name}`, {
              ...common,
              generateSecret: false,
              authFlows: { userSrp: true },
              oAuth: {
                flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
                scopes: [cognito.OAuthScope.OPENID, ...apiScopes],
                callbackUrls: [...client.callbackUrls],
                logoutUrls: [...(client.logoutUrls ?? client.callbackUrls)],
              },
              supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
            });
      if (client.kind === 'server') {
        // CDK leaves ExplicitAuthFlows unset for `authFlows: {}`, and Cognito then allows user SRP and
        // custom-auth sign-in through the machine client: a server client admits no person at all.
        (created.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
      }
      created.node.addDependency(server);
      (this.appClients as Record<string, cognito.UserPoolClient>)[client.name] = created;
      return created;
    };

    // The stage's default browser client (the hosted login for clinic staff), sent back only to the
    // stage's clinic origins. CDK's OAuth defaults (implicit flow, https://example.com) are not used.
    const origins = props.clinicOrigins.filter((origin) => origin !== '*');
    this.userPoolClient = addClient({ name: 'clinic-frontend', kind: 'browser', callbackUrls: origins });
    for (const client of config?.clients ?? []) addClient(client);

    this.authorizer = new HttpUserPoolAuthorizer('ClinicUserPoolAuthorizer', pool, {
      authorizerName,
      userPoolClients: Object.values(this.appClients),
    });
  }

  /** The scope a clinic route requires: read for GET, write for the rest. */
  scopeFor(method: string): string {
    return method === 'GET' ? this.scopes.read : this.scopes.write;
  }
}

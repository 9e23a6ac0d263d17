// The AWS SDK clients' credentials: from the environment only. Lambda always puts the function role's
// credentials there (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and so do `npm start`
// and the tests (local/stage.ts). The SDK's default chain would first check AWS_PROFILE and then fall back
// to SSO, ini files, credential_process, web identity and IMDS; passing fromEnv skips that chain on the
// first request (issue 13: docs/performance.md). Missing credentials fail the call (CONFIGURATION_ERROR
// for secrets, INTERNAL_ERROR for state) instead of searching elsewhere.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const lambdaCredentials = fromEnv();

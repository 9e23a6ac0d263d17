// The app: both stages from the one stack class, with cdk-nag's AWS Solutions checks. Kept apart from
// app.ts so the tests build exactly what `cdk synth` builds, without synthesising on import.
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEPLOY_STAGES, resolveStageConfig, stackName, type DeployStage } from './config.ts';
import { PaymentsApiStack, type PaymentsApiStackProps } from './stack.ts';

export interface PaymentsApiAppProps extends AppProps {
  bundleDir?: string;
  functions?: PaymentsApiStackProps['functions'];
}

export interface PaymentsApiApp {
  app: App;
  stacks: Record<DeployStage, PaymentsApiStack>;
}

export const createPaymentsApiApp = (props: PaymentsApiAppProps = {}): PaymentsApiApp => {
  const { bundleDir, functions, ...appProps } = props;
  const app = new App(appProps);
  const read = (key: string): unknown => app.node.tryGetContext(key);
  const make = (stage: DeployStage): PaymentsApiStack =>
    // No env: account- and region-agnostic, so synth needs no credentials and does no lookups.
    new PaymentsApiStack(app, stackName(stage), {
      description: `Clinic payments API (${stage}): HTTP API, one function per route, alarms`,
      config: resolveStageConfig(stage, read),
      ...(bundleDir === undefined ? {} : { bundleDir }),
      ...(functions === undefined ? {} : { functions }),
    });
  const stacks = Object.fromEntries(DEPLOY_STAGES.map((stage) => [stage, make(stage)])) as Record<DeployStage, PaymentsApiStack>;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks };
};

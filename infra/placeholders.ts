// Placeholder values (`*.example`, the reserved example domains) must never reach a production deploy, yet
// `cdk synth` of both stages must keep working offline with the defaults in config.ts. So synth only warns,
// and the production template carries a CloudFormation Rule that fails the deploy before any resource
// changes, naming every placeholder. A production config with real values carries no guard at all.
import { Annotations, CfnParameter, CfnRule, Fn, type Stack } from 'aws-cdk-lib';
import type { StageConfig } from './config.ts';

const PLACEHOLDER_HOST = /(^|\.)(example|example\.com|example\.net|example\.org)$/i;

const hostOf = (value: string): string | undefined => {
  if (value.includes('@') && !value.includes('/')) return value.split('@').pop();
  try {
    return new URL(value).hostname;
  } catch {
    return undefined;
  }
};

const isPlaceholder = (value: string): boolean => PLACEHOLDER_HOST.test(hostOf(value) ?? '');

/** Every setting of the config that is still a placeholder, as `name=value`, in a stable order. */
export const placeholdersIn = (config: StageConfig): string[] => {
  const values: [string, readonly (string | undefined)[]][] = [
    ['skip.payApiUrl', [config.skip.payApiUrl]],
    ['skip.backendUrl', [config.skip.backendUrl]],
    ['skip.spotWidgetUrl', [config.skip.spotWidgetUrl]],
    ['etpay.apiUrl', [config.etpay.apiUrl]],
    ['etpay.paymentUrl', [config.etpay.paymentUrl]],
    ['etpay.webhookUrl', [config.etpay.webhookUrl]],
    ['etpay.returnOrigins', config.etpay.returnOrigins],
    ['corsOrigins', config.corsOrigins],
    ['authorizer.issuer', [config.authorizer?.kind === 'jwt' ? config.authorizer.issuer : undefined]],
    ['alarms.emails', config.alarms.emails],
    ['alarms.pagerUrl', [config.alarms.pagerUrl]],
  ];
  return values.flatMap(([name, list]) => list.filter((value): value is string => value !== undefined && isPlaceholder(value)).map((value) => `${name}=${value}`));
};

/** The parameter and rule the guard adds (their logical ids, for the runbook and the tests). */
export const PLACEHOLDER_GUARD = { parameter: 'ConfigPlaceholders', rule: 'NoConfigPlaceholders' } as const;

/**
 * Production: with placeholders, a Rule CloudFormation checks before touching any resource. The parameter
 * defaults to the list and allows only that value, and the rule asserts it is empty, so the deploy cannot
 * be talked past it; fix the config (CDK context, README) instead. Staging: a warning only.
 */
export const guardPlaceholders = (stack: Stack, config: StageConfig): void => {
  const found = placeholdersIn(config);
  if (found.length === 0) return;
  const list = found.join(', ');
  if (config.stage !== 'production') {
    Annotations.of(stack).addWarningV2('clinic-payments:sandbox-placeholders', `${config.stage} keeps sandbox placeholders (fine for ${config.stage}): ${list}`);
    return;
  }
  Annotations.of(stack).addWarningV2(
    'clinic-payments:production-placeholders',
    `production still has placeholders; CloudFormation will refuse to deploy it until they are replaced: ${list}`,
  );
  const parameter = new CfnParameter(stack, PLACEHOLDER_GUARD.parameter, {
    type: 'String',
    default: list,
    allowedValues: [list],
    description: 'Config values that are still *.example placeholders (set by the stack; not an input).',
  });
  new CfnRule(stack, PLACEHOLDER_GUARD.rule, {
    assertions: [
      {
        assert: Fn.conditionEquals(parameter.valueAsString, ''),
        assertDescription: `Refusing to deploy production with placeholder values (replace them with CDK context, see README "Deploy runbook"): ${list}`.slice(0, 1024),
      },
    ],
  });
};

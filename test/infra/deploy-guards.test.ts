// Deploy guards: placeholders cannot reach production (a Rule CloudFormation checks before changing any
// resource), synth still works offline for both stages and says what is a placeholder, log groups follow
// the stage's removal policy, and cdk.json runs the app on the project's Node whatever Node runs the CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_CONFIGS } from '../../infra/config.ts';
import { PLACEHOLDER_GUARD, placeholdersIn } from '../../infra/placeholders.ts';
import { createPaymentsApiApp, type PaymentsApiApp } from '../../infra/stages.ts';
import { placeholderBundles, resourcesOf } from './fixtures.ts';

const REAL_PRODUCTION = {
  'production.etpayApiUrl': 'https://api.etpay.com',
  'production.etpayReturnOrigins': 'https://pagos.clinica-real.cl',
  'production.corsOrigins': 'https://pagos.clinica-real.cl',
  'production.alarmEmails': 'oncall@clinica-real.cl',
  'production.alarmPagerUrl': 'https://events.pagerduty.com/integration/abc/enqueue',
};

const cleanups: (() => void)[] = [];
const build = (context: Record<string, string> = {}): PaymentsApiApp => {
  const bundles = placeholderBundles();
  const outdir = mkdtempSync(join(tmpdir(), 'clinic-payments-guards-'));
  cleanups.push(() => {
    bundles.remove();
    rmSync(outdir, { recursive: true, force: true });
  });
  const built = createPaymentsApiApp({ bundleDir: bundles.dir, outdir, context });
  built.app.synth(); // offline: no credentials, no lookups; cdk-nag runs here too
  return built;
};

let defaults: PaymentsApiApp;
let real: PaymentsApiApp;
beforeAll(() => {
  defaults = build();
  real = build(REAL_PRODUCTION);
});
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

describe('production placeholders', () => {
  it('the default production config names its placeholders', () => {
    expect(placeholdersIn(STAGE_CONFIGS.production)).toEqual([
      'etpay.apiUrl=https://api.etpay.example',
      'etpay.returnOrigins=https://pagos.clinica.example',
      'corsOrigins=https://pagos.clinica.example',
      'alarms.emails=payments-oncall@clinica.example',
      'alarms.pagerUrl=https://pager.clinica.example/integrations/sns/clinic-payments',
    ]);
  });

  it('the production template carries a Rule that fails the deploy before any resource changes, naming them', () => {
    const template = Template.fromStack(defaults.stacks.production).toJSON() as Record<string, any>;
    const list = placeholdersIn(STAGE_CONFIGS.production).join(', ');
    expect(template.Parameters[PLACEHOLDER_GUARD.parameter]).toEqual({
      Type: 'String',
      Default: list,
      AllowedValues: [list],
      Description: expect.any(String),
    });
    const rule = template.Rules[PLACEHOLDER_GUARD.rule];
    expect(rule.Assertions).toEqual([
      { Assert: { 'Fn::Equals': [{ Ref: PLACEHOLDER_GUARD.parameter }, ''] }, AssertDescription: expect.stringContaining(list) },
    ]);
    expect(rule.Assertions[0].AssertDescription.length).toBeLessThanOrEqual(1024);
  });

  it('synth says so, without failing', () => {
    Annotations.fromStack(defaults.stacks.production).hasWarning('*', Match.stringLikeRegexp('production still has placeholders.*etpay\\.apiUrl'));
  });

  it('a production config with real values carries no guard at all', () => {
    const template = Template.fromStack(real.stacks.production).toJSON() as Record<string, any>;
    expect(template.Rules?.[PLACEHOLDER_GUARD.rule]).toBeUndefined();
    expect(template.Parameters?.[PLACEHOLDER_GUARD.parameter]).toBeUndefined();
    expect(Annotations.fromStack(real.stacks.production).findWarning('*', Match.stringLikeRegexp('placeholders'))).toEqual([]);
  });

  it('staging may keep its sandbox placeholders: a warning that names them, no guard', () => {
    const template = Template.fromStack(defaults.stacks.staging).toJSON() as Record<string, any>;
    expect(template.Rules?.[PLACEHOLDER_GUARD.rule]).toBeUndefined();
    Annotations.fromStack(defaults.stacks.staging).hasWarning('*', Match.stringLikeRegexp('staging keeps sandbox placeholders.*etpay\\.apiUrl=https://api-sandbox\\.etpay\\.example'));
  });
});

describe('log groups', () => {
  it.each([
    { stage: 'staging', policy: 'Delete' },
    { stage: 'production', policy: 'Retain' },
  ] as const)('$stage: every log group $policy on stack deletion', ({ stage, policy }) => {
    const template = Template.fromStack(defaults.stacks[stage]).toJSON() as { Resources: Record<string, { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string }> };
    const groups = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(Object.keys(resourcesOf(Template.fromStack(defaults.stacks[stage]), 'AWS::Lambda::Function')).length);
    for (const group of groups) expect([group.DeletionPolicy, group.UpdateReplacePolicy]).toEqual([policy, policy]);
  });
});

describe('cdk.json', () => {
  it('runs the app on the project\'s Node 24 even when the CDK CLI runs on a system Node 20', () => {
    const { app } = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { app: string };
    const commands = app.split('&&').map((command) => command.trim());
    expect(commands).toEqual(['node_modules/.bin/node infra/build.ts', 'node_modules/.bin/node infra/app.ts']);
    // With only the system's directories on PATH, as a globally installed `cdk` would run it.
    const root = new URL('../..', import.meta.url).pathname;
    const version = execFileSync('sh', ['-c', `${commands[0]!.split(' ')[0]} --version`], { cwd: root, env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
    expect(version.trim()).toMatch(/^v24\./);
  });
});

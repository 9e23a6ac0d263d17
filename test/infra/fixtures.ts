// Synthesis helpers for the infra tests: placeholder bundles (so these tests do not depend on the build) and
// small lookups into a synthesised template.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '#shared/catalog.ts';
import type { DeployStage } from '../../infra/config.ts';
import { createPaymentsApiApp, type PaymentsApiAppProps } from '../../infra/stages.ts';

/** The chunk every placeholder entry imports. */
export const PLACEHOLDER_CHUNK = 'chunk-PLACEHOLDER.mjs';

export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/**
 * A temp dir with `<name>/index.mjs` and a chunk it imports for every name, as `npm run build` writes them
 * (code splitting); each file names its function so tests can tell them apart.
 */
export const placeholderBundles = (names: readonly string[] = Object.keys(FUNCTIONS)): { dir: string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'clinic-payments-bundles-'));
  for (const name of names) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, PLACEHOLDER_CHUNK), `// placeholder chunk: ${name}\nexport const statusCode = 503;\n`);
    writeFileSync(
      join(dir, name, 'index.mjs'),
      `// placeholder bundle: ${name}\nimport { statusCode } from './${PLACEHOLDER_CHUNK}';\nexport const handler = async () => ({ statusCode });\n`,
    );
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

export interface Synthesised {
  templates: Record<DeployStage, Template>;
  outdir: string;
  remove: () => void;
}

/** The app exactly as `cdk synth` builds it (cdk-nag included), with placeholder bundles. */
export const synthesise = (props: Omit<PaymentsApiAppProps, 'bundleDir' | 'outdir'> = {}): Synthesised => {
  const bundles = placeholderBundles(Object.keys(props.functions ?? FUNCTIONS));
  const outdir = mkdtempSync(join(tmpdir(), 'clinic-payments-cdk-out-'));
  const { app, stacks } = createPaymentsApiApp({
    ...props,
    bundleDir: bundles.dir,
    outdir,
    // As the CLI does, so each function's Metadata names its staged asset.
    context: { 'aws:cdk:enable-asset-metadata': true, ...props.context },
  });
  // Synthesis runs the cdk-nag plugin, which throws on any unacknowledged finding.
  app.synth();
  return {
    templates: { staging: Template.fromStack(stacks.staging), production: Template.fromStack(stacks.production) },
    outdir,
    remove: () => {
      bundles.remove();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
};

export const resourcesOf = (template: Template, type: string): Record<string, CfnResource> =>
  template.findResources(type) as Record<string, CfnResource>;

/** The one resource of `type` whose properties include `match` (by JSON equality of those keys). */
export const onlyResource = (
  template: Template,
  type: string,
  match: Record<string, unknown>,
): [string, CfnResource] => {
  const found = Object.entries(resourcesOf(template, type)).filter(([, r]) =>
    Object.entries(match).every(([k, v]) => JSON.stringify(r.Properties[k]) === JSON.stringify(v)),
  );
  if (found.length !== 1) throw new Error(`expected one ${type} with ${JSON.stringify(match)}, found ${found.length}`);
  return found[0]!;
};

/** Logical id behind `{ Ref: id }` or `{ 'Fn::GetAtt': [id, attr] }`. */
export const refId = (value: unknown): string => {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = v.Ref ?? v['Fn::GetAtt']?.[0];
  if (id === undefined) throw new Error(`not a Ref/GetAtt: ${JSON.stringify(value)}`);
  return id;
};

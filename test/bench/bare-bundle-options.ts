// The bare baselines' esbuild options, frozen: exactly the deploy's single-file options as they were when
// the baselines were written (before issue 13's code splitting). The deploy's build (infra/build.ts) may
// change; the floor we measure against must not move with it.
import type { BuildOptions } from 'esbuild';

export const bareBundleOptions: Readonly<BuildOptions> = Object.freeze({
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  mainFields: ['module', 'main'],
  legalComments: 'none',
  // Some CommonJS dependencies call require() on Node built-ins; ESM output needs a real require.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});

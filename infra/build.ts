// `npm run build`: one minified ESM bundle per Lambda function, AWS SDK included (its version is the
// lock's, tree-shaken), written to dist/functions/<name>/index.mjs — exactly what the stack deploys.
import { build, type BuildOptions } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FUNCTION_NAMES } from '../shared/catalog.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The options every bundle shares; the benchmark's bare baselines use them too. */
export const bundleOptions: BuildOptions = {
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
};

export const buildFunctions = async (outdir = `${root}dist/functions`): Promise<Record<string, number>> => {
  rmSync(outdir, { recursive: true, force: true });
  const sizes: Record<string, number> = {};
  for (const name of FUNCTION_NAMES) {
    const result = await build({
      ...bundleOptions,
      absWorkingDir: root,
      entryPoints: [`functions/${name}/handler.ts`],
      outfile: `${outdir}/${name}/index.mjs`,
      metafile: true,
    });
    sizes[name] = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  }
  return sizes;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildFunctions();
  for (const [name, bytes] of Object.entries(sizes)) {
    process.stderr.write(`dist/functions/${name}/index.mjs  ${(bytes / 1024).toFixed(1)} KiB\n`);
  }
}

// `npm run build`: per Lambda function, minified ESM with the AWS SDK included (its version is the lock's,
// tree-shaken), written to dist/functions/<name>/: the entry `index.mjs` plus the chunks it imports, which
// the stack deploys together (the whole folder is the function's asset).
// Code splitting (issue 13, docs/performance.md): a single-file bundle inlines every dynamic import(), so a
// cold start parsed the SDK's whole credential chain and the idempotency layer even when they are never
// used; as ESM chunks they are read only when a request takes that path.
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FUNCTION_NAMES } from '../shared/catalog.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The options every function's build shares (the benchmark's bare baselines keep a frozen copy of their own). */
const bundleOptions: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  mainFields: ['module', 'main'],
  legalComments: 'none',
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  // Some CommonJS dependencies call require() on Node built-ins; ESM output needs a real require.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
};

export interface BuiltFunction {
  /** The folder the stack deploys: index.mjs and its chunks. */
  dir: string;
  /** Bytes of every file written (entry and all chunks, whether a request imports them or not). */
  bytes: number;
  metafile: Metafile;
}

/** One function's entry and chunks into `dir` (emptied first). */
export const buildFunction = async (entry: string, dir: string): Promise<BuiltFunction> => {
  rmSync(dir, { recursive: true, force: true });
  const result = await build({ ...bundleOptions, absWorkingDir: root, entryPoints: [entry], outdir: dir, metafile: true });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { dir, bytes, metafile: result.metafile };
};

export const buildFunctions = async (outdir = `${root}dist/functions`): Promise<Record<string, number>> => {
  rmSync(outdir, { recursive: true, force: true });
  const sizes: Record<string, number> = {};
  for (const name of FUNCTION_NAMES) {
    sizes[name] = (await buildFunction(`functions/${name}/handler.ts`, `${outdir}/${name}`)).bytes;
  }
  return sizes;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildFunctions();
  for (const [name, bytes] of Object.entries(sizes)) {
    process.stderr.write(`dist/functions/${name}/  ${(bytes / 1024).toFixed(1)} KiB (index.mjs + chunks)\n`);
  }
}

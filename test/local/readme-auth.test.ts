// The README's "Authenticating → Locally" curl block, run as written against a fresh `npm start`
// (only its API origin differs: the test's server listens on a free port).
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/server.ts';
import { setEnvironment } from '../support/env.ts';

const run = promisify(execFile);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const hasCurl = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The ```sh block right after the `readme-curl` marker. */
const curlBlock = (): string => {
  const marker = README.indexOf('<!-- readme-curl');
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(marker));
  if (marker < 0 || !block?.[1]) throw new Error('README: no readme-curl block');
  return block[1];
};

let server: LocalServer;
beforeAll(async () => {
  setEnvironment({ POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  server = await startLocalServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

describe.skipIf(!hasCurl)('README, Authenticating, locally', () => {
  it('its curl block works against npm start as written', async () => {
    const script = curlBlock();
    expect(script).toContain('API=http://127.0.0.1:3000\n');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script.replace('API=http://127.0.0.1:3000', `API=${server.origin}`)], {
      timeout: 20_000,
    });
    const answers = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(answers).toHaveLength(3);
    expect(answers[0]).toMatchObject({ merchant_order_id: 'OC-README-1', token: expect.any(String) });
    expect(answers[1]).toMatchObject({ provider: 'etpay', id: 'OC-README-1', status: 'pending', amount: 50000 });
    expect(answers[2]).toMatchObject({ payments: [expect.objectContaining({ id: 'OC-README-1' })] });
  });
});

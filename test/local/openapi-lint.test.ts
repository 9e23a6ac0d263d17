// `redocly lint` (recommended ruleset + redocly.yaml) reports 0 problems on the committed document, which
// openapi.test.ts keeps identical to what the generator writes. Redocly's telemetry and update check are
// off: no test calls the internet.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string }[];
}

describe('redocly lint', () => {
  it('finds 0 problems in local/openapi.json', async () => {
    const { stdout } = await promisify(execFile)(`${ROOT}node_modules/.bin/redocly`, ['lint', 'local/openapi.json', '--format', 'json'], {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    const report = JSON.parse(stdout) as LintReport;
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 60_000);
});

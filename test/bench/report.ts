// Statistics, the budget, and the table: what `npm run bench` prints and writes to bench-results/latest.json.

/** Nearest-rank percentile (q in 0..1) of unsorted samples. */
export const percentile = (samples: readonly number[], q: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};
export const median = (samples: readonly number[]): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export type Budget = { kind: 'ratio'; max: number } | { kind: 'absolute'; below: number };

export interface Row {
  metric: string;
  unit: 'KiB' | 'ms' | 'MiB' | 'files';
  ours: number;
  bare: number;
  /** ours / bare. */
  ratio: number;
  budget?: Budget;
  /** Undefined when the row has no budget. */
  pass?: boolean;
  /** The bare floor already misses the absolute budget: unreachable by construction, not a verdict. */
  overFloor?: boolean;
}

export interface FunctionResult {
  name: string;
  /** `n/a`: not measured, with the reason. */
  status: 'measured' | 'n/a';
  reason?: string;
  rows: Row[];
  /** Ours and bare answered the same status with the same body and header keys. */
  sameShape?: boolean;
  shapes?: { ours: string; bare: string };
  /** Calls that did not answer the expected status (must be 0). */
  wrongStatus?: { ours: number; bare: number };
  /** 1-minute load average before and after this function's runs: above the core count, timings are suspect. */
  loadAverage?: { before: number; after: number };
}

export const row = (metric: string, unit: Row['unit'], ours: number, bare: number, budget?: Budget): Row => {
  const ratio = ours / bare;
  // An absolute budget the bare floor itself misses (the same SDK work, e.g. a DynamoDB write, takes longer)
  // cannot be met by any handler: reported as such, with both numbers, and not counted as a failure.
  const overFloor = budget?.kind === 'absolute' && bare >= budget.below;
  const pass = budget === undefined || overFloor ? undefined : budget.kind === 'ratio' ? ratio <= budget.max : ours < budget.below;
  return { metric, unit, ours, bare, ratio, ...(budget ? { budget } : {}), ...(pass === undefined ? {} : { pass }), ...(overFloor ? { overFloor } : {}) };
};

const num = (value: number, unit: Row['unit']): string =>
  Number.isNaN(value) ? '-' : unit === 'files' ? value.toFixed(0) : unit === 'ms' && value < 10 ? value.toFixed(3) : value.toFixed(1);
const budgetText = (r: Row): string =>
  r.budget === undefined ? '' : r.budget.kind === 'ratio' ? `≤ ${r.budget.max}×` : `< ${r.budget.below} ${r.unit}`;

/** A fixed-width table, one block per function. */
export const formatTable = (results: readonly FunctionResult[], smoke: boolean): string => {
  const header = ['function', 'metric', 'ours', 'bare', 'ours/bare', 'budget', 'result'];
  const lines: string[][] = [header];
  for (const result of results) {
    if (result.status === 'n/a') {
      lines.push([result.name, 'n/a', '', '', '', '', result.reason ?? '']);
      continue;
    }
    for (const r of result.rows) {
      const verdict = r.overFloor ? 'FLOOR*' : r.pass === undefined ? '' : smoke ? (r.pass ? '(pass)' : '(fail)') : r.pass ? 'PASS' : 'FAIL';
      lines.push([result.name, `${r.metric} (${r.unit})`, num(r.ours, r.unit), num(r.bare, r.unit), `${r.ratio.toFixed(2)}×`, budgetText(r), verdict]);
    }
    if (result.sameShape === false) lines.push([result.name, 'response shape', result.shapes?.ours ?? '', result.shapes?.bare ?? '', '', 'same', 'FAIL']);
    if (result.wrongStatus && result.wrongStatus.ours + result.wrongStatus.bare > 0) {
      lines.push([result.name, 'wrong status', String(result.wrongStatus.ours), String(result.wrongStatus.bare), '', '0', 'FAIL']);
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((line) => [...(line[i] ?? '')].length)));
  const pad = (cell: string, i: number) => (i >= 2 && i <= 4 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0));
  const out = lines.map((line) => line.map(pad).join('  ').trimEnd());
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (results.some((result) => result.rows.some((r) => r.overFloor))) {
    out.push('', '* FLOOR: the bare handler doing the same work already takes longer than this absolute budget (its AWS SDK calls');
    out.push('  to DynamoDB, answered in memory), so no handler can meet it; ours and bare are shown, no verdict.');
  }
  return out.join('\n');
};

/** Every budgeted row passed, every call answered as expected, ours and bare answered alike. */
export const allPass = (results: readonly FunctionResult[]): boolean =>
  results.every(
    (result) =>
      result.status === 'n/a' ||
      (result.rows.every((r) => r.pass !== false) &&
        result.sameShape !== false &&
        (result.wrongStatus?.ours ?? 0) + (result.wrongStatus?.bare ?? 0) === 0),
  );

// Captures everything written to stdout/stderr (Powertools writes JSON lines there) for leak checks.
import { afterAll, beforeAll } from 'vitest';

export interface CapturedOutput {
  text: () => string;
  lines: () => string[];
  /** A mark to read from: what is written after it is never joined to a partial line written before. */
  mark: () => number;
  /** The lines of the writes made since `mark`. */
  linesSince: (mark: number) => string[];
}

export const captureOutput = (): CapturedOutput => {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  beforeAll(() => {
    process.stdout.write = ((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    process.stderr.write = ((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
  });
  afterAll(() => {
    process.stdout.write = originals.out;
    process.stderr.write = originals.err;
  });
  const linesOf = (from: number) => chunks.slice(from).join('').split('\n').filter(Boolean);
  return { text: () => chunks.join(''), lines: () => linesOf(0), mark: () => chunks.length, linesSince: linesOf };
};

/**
 * What CloudWatch would reject in an EMF document (the embedded metric format specification): every
 * dimension a top-level string, every metric a top-level number, a millisecond timestamp. Empty: valid.
 */
export const emfProblems = (line: Record<string, unknown>): string[] => {
  const aws = line._aws as { Timestamp?: unknown; CloudWatchMetrics?: { Namespace?: unknown; Dimensions?: unknown; Metrics?: unknown }[] } | undefined;
  if (!aws) return ['no _aws'];
  const problems: string[] = [];
  if (typeof aws.Timestamp !== 'number' || Math.abs(aws.Timestamp - Date.now()) > 60_000) problems.push('Timestamp');
  for (const directive of aws.CloudWatchMetrics ?? []) {
    if (typeof directive.Namespace !== 'string' || directive.Namespace === '') problems.push('Namespace');
    for (const set of (directive.Dimensions ?? []) as string[][]) {
      for (const name of set) if (typeof line[name] !== 'string' || line[name] === '') problems.push(`dimension ${name}`);
    }
    for (const metric of (directive.Metrics ?? []) as { Name?: unknown }[]) {
      if (typeof metric.Name !== 'string' || typeof line[metric.Name] !== 'number') problems.push(`metric ${String(metric.Name)}`);
    }
  }
  if ((aws.CloudWatchMetrics ?? []).length === 0) problems.push('no CloudWatchMetrics');
  return problems;
};

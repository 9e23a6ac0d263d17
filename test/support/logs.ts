// Captures everything written to stdout/stderr (Powertools writes JSON lines there) for leak checks.
import { afterAll, beforeAll } from 'vitest';

export const captureOutput = (): { text: () => string; lines: () => string[] } => {
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
  return { text: () => chunks.join(''), lines: () => chunks.join('').split('\n').filter(Boolean) };
};

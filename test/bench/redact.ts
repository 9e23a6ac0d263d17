// Redaction on 16 KiB of the inputs that make backtracking patterns slow: `node test/bench/redact.ts`.
// Not a test (timing depends on the machine); the README quotes its numbers.
import { scrubText } from '../../shared/observability/redact.ts';

const SIZE = 16 * 1024;
const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
const inputs: Record<string, string> = {
  'letters, no @': fill('a'),
  'a@ repeated': fill('a@'),
  'a. then one @': `${fill('a.').slice(1)}@`,
  'digits then a letter': `${fill('1').slice(1)}x`,
  'digit-space pairs': fill('1 '),
  '1- repeated': fill('1-'),
  'UUIDs': fill('0f8fad5b-d9cb-469f-a165-70867728950e '),
  'JSON with personal data': fill('{"rut":"12.345.678-5","email":"ana.perez@example.cl","phone":"+56 9 1234 5678"} '),
};

const time = (text: string): number => {
  const runs: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    scrubText(text);
    runs.push(performance.now() - started);
  }
  return runs.sort((a, b) => a - b)[2]!;
};

for (const [name, text] of Object.entries(inputs)) console.log(`${name.padEnd(26)} ${time(text).toFixed(2).padStart(8)} ms (median of 5)`);

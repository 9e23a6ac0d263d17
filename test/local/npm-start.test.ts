// `npm start` as a developer runs it: Ctrl-C in the terminal (SIGINT to the whole process group) and
// SIGTERM to npm's own process (what a process manager or `kill <npm pid>` sends) both stop the server,
// the sandbox and the stand-ins, free the port and leave no process behind. The server runs under
// `exec`, so npm's forwarded signal reaches it rather than an intermediate shell.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

const started = (child: ChildProcess): Promise<URL> =>
  new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (api?.[1] && out.includes('Ctrl-C stops everything.')) resolve(new URL(api[1]));
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before its banner:\n${out}`)));
  });

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Whether anything still accepts connections on the port. */
const listening = (origin: URL): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(Number(origin.port), origin.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Whether any process of the group is left (signal 0 only checks). */
const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Polls until true, or gives up after a bound far above a clean stop (≈ 1 s), so the test can clean up. */
const waitUntil = async (condition: () => boolean | Promise<boolean>, boundMs = 20_000): Promise<boolean> => {
  const giveUp = Date.now() + boundMs;
  while (!(await condition())) {
    if (Date.now() > giveUp) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
};

const cases = [
  { name: 'Ctrl-C (SIGINT to the process group)', stop: (child: ChildProcess) => process.kill(-(child.pid ?? 0), 'SIGINT') },
  { name: 'SIGTERM to npm\'s process only', stop: (child: ChildProcess) => child.kill('SIGTERM') },
];

describe('npm start stops cleanly', () => {
  it.each(cases)('$name', async ({ stop }) => {
    // Its own process group, as a terminal gives it; PORT=0 picks a free port.
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, PORT: '0', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid ?? 0;
    try {
      const origin = await started(child);
      expect((await fetch(origin)).status).toBe(200);
      stop(child);
      await exited(child);
      // npm may exit before its child has finished closing: wait for the whole group, then the port.
      expect(await waitUntil(() => !groupAlive(pgid)), 'a process of npm start outlived npm').toBe(true);
      expect(await listening(origin)).toBe(false);
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  }, 60_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtApp } from './helpers/built-service.js';
import { childEnv } from './helpers/test-run.js';
import { eventually } from './helpers/eventually.js';

/** `npm start` as a user runs it: npm → its script shell → node. */
async function npmStart(app: string): Promise<{ npm: ChildProcess; url: string; output: string[]; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-npm-start-'));
  // --ignore-scripts skips only `prestart` (the build, done once by builtApp); `start` itself runs.
  const npm = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
    cwd: app,
    env: childEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SHUTDOWN_DRAIN_MS: '0' }),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: afterEach can end whatever npm started, even a service npm left behind.
    detached: true,
  });
  const output: string[] = [];
  npm.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  npm.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const port = await eventually(() => /"port":(\d+).*GraphQL at/.exec(output.join(''))?.[1], {
    what: 'the service started by npm start',
    timeoutMs: 20_000,
  });
  return { npm, url: `http://127.0.0.1:${port}`, output, dataDir };
}

const answers = (url: string) =>
  fetch(`${url}/health`, { headers: { connection: 'close' } }).then(
    () => true,
    () => false,
  );

describe('npm start and signals', () => {
  let started: Awaited<ReturnType<typeof npmStart>> | undefined;
  let app: string;
  beforeAll(() => {
    app = builtApp();
  }, 120_000);
  afterEach(async () => {
    // Pass or fail, nothing started here outlives the test: the service stays in npm's process group.
    if (started) {
      try {
        process.kill(-started.npm.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
      rmSync(started.dataDir, { recursive: true, force: true });
    }
    started = undefined;
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to npm stops the service too, which exits 0`, async () => {
      started = await npmStart(app);
      expect(await answers(started.url)).toBe(true);
      const exited = once(started.npm, 'exit');
      // To npm alone, as a process manager or `kill` sends it (a terminal's Ctrl-C reaches the whole group).
      started.npm.kill(signal);
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      // The service said it was shutting down, and its port no longer answers.
      expect(started.output.join('')).toContain('shutting down');
      await eventually(async () => !(await answers(started!.url)), { what: 'the service to stop listening', timeoutMs: 5_000 });
    }, 40_000);
  }
});

// The built service (`dist/`) in its own process, as the benchmark runs it everywhere: live
// mode against the simulators, caller auth off, ready when `/ready` answers 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../scripts/free-port.js';

export interface BuiltService {
  url: string;
  child: ChildProcess;
}

/** `env` overrides the defaults (e.g. DATA_DIR, DATABASE_URL, the vendor variables). */
export async function startBuiltService(env: Record<string, string>): Promise<BuiltService> {
  const port = await freePort();
  // BENCH_PROFILE=1 writes a CPU profile of the service to bench/profile/ (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', 'bench/profile'] : [];
  const child = spawn(process.execPath, [...profile, 'dist/src/index.js'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      VENDOR_MODE: 'live',
      AUTH_DISABLED: 'true',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'vendor-ops-bench-')),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 5));
  }
}

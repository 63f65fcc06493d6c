// The built service (`dist/`) in its own process, as the benchmark runs it everywhere: live
// mode against the vendor fakes, caller auth off, ready when `/ready` answers 200; started with
// the node flags of `npm start` (the heap bound), so the bench measures what production runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../scripts/free-port.js';

export interface BuiltService {
  url: string;
  child: ChildProcess;
  /** From spawning the process to the first `/ready` that answers 200. */
  startToReadyMs: number;
}

export const PROFILE_DIR = 'bench/profile';

/** `node --max-old-space-size=128 dist/service.mjs` → `['--max-old-space-size=128']`. */
export function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

export interface BuiltServiceOptions {
  /** Replaces the heap bound of `npm start` (`--max-old-space-size`). */
  heapMb?: number;
  /** Writes a CPU profile (`--cpu-prof`) to bench/profile/ when the process exits. */
  profile?: boolean;
  /** Node flags instead of `npm start`'s, to compare variants. */
  nodeFlags?: string[];
  /** Another entry than the bundle `npm start` runs (e.g. the unbundled `dist/src/index.js`). */
  entry?: string;
}

/** `env` overrides the defaults (e.g. DATA_DIR, DATABASE_URL, the vendor variables). */
export async function startBuiltService(env: Record<string, string>, options: BuiltServiceOptions = {}): Promise<BuiltService> {
  const port = await freePort();
  let flags = options.nodeFlags ?? startFlags();
  if (options.heapMb)
    flags = [...flags.filter((flag) => !flag.startsWith('--max-old-space-size')), `--max-old-space-size=${options.heapMb}`];
  if (options.profile) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    flags.push('--cpu-prof', '--cpu-prof-dir', PROFILE_DIR);
  }
  const started = performance.now();
  const child = spawn(process.execPath, [...flags, options.entry ?? 'dist/service.mjs'], {
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
    if (ok) return { url, child, startToReadyMs: Math.round(performance.now() - started) };
    await new Promise((r) => setTimeout(r, 5));
  }
}

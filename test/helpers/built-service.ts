import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ENTRY = 'dist/service.mjs';
const LOCK = 'dist/.build-lock';

/** The newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function builtAt(): number {
  try {
    return statSync(ENTRY).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * `npm run build` when dist/service.mjs is missing or older than src/, once for test files
 * running in parallel (a lock folder): what `npm start` and the image run, built as they build it.
 */
export async function ensureBuilt(): Promise<string> {
  mkdirSync('dist', { recursive: true });
  for (;;) {
    if (builtAt() >= newest('src')) return ENTRY;
    try {
      mkdirSync(LOCK);
    } catch {
      // Another test file builds: wait for it (a lock older than a minute was left by a killed run).
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 60_000)
        rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (builtAt() < newest('src')) execFileSync('npm', ['run', 'build'], { stdio: 'pipe', timeout: 120_000 });
      return ENTRY;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What must be undone by the end of the current test file, whether its tests passed or not. */
const pending = new Set<() => unknown>();

/**
 * Runs `cleanup` when the test file ends (test/setup/file-end.ts), unless the returned function
 * is called first: for what a test starts and stops itself when all goes well.
 */
export function atFileEnd(cleanup: () => unknown): () => void {
  pending.add(cleanup);
  return () => pending.delete(cleanup);
}

/** Every cleanup still pending, newest first; all run even when one fails. */
export async function runFileEndCleanups(): Promise<void> {
  const cleanups = [...pending].reverse();
  pending.clear();
  const failures: unknown[] = [];
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'cleanup at the end of the test file failed');
}

/** A fresh folder under the system's temp folder, removed when the test file ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  atFileEnd(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

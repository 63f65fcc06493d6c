import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { checkoutChanges, checkoutSnapshot, leftoverProcesses, liveProcesses } from './helpers/hygiene.js';
import { TEST_RUN_VARIABLE } from './helpers/test-run.js';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * A test run leaves the checkout and the machine as it found them (issue 27): at the end, the
 * run fails naming every file that appeared or changed in the checkout (`git status`, ignored
 * files included) and every process a test started that is still running (those are killed).
 * First in vitest.config.ts's globalSetup, so its end comes after the others' (PostgreSQL's).
 */
export default function setup(project: TestProject): () => void {
  const run = randomUUID();
  project.provide('testRun', run);
  // Also inherited by whatever a test starts with the default environment (test workers get it too).
  process.env[TEST_RUN_VARIABLE] = run;
  const before = checkoutSnapshot(ROOT);
  return () => {
    const problems: string[] = [];
    const leftovers = leftoverProcesses(liveProcesses(), `${TEST_RUN_VARIABLE}=${run}`, process.pid);
    for (const leftover of leftovers) {
      problems.push(`process ${leftover.pid} still running: ${leftover.command}`);
      try {
        process.kill(leftover.pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    for (const change of checkoutChanges(before, checkoutSnapshot(ROOT))) problems.push(`the checkout changed: ${change}`);
    if (problems.length > 0) throw new Error(`The tests left things behind:\n  - ${problems.join('\n  - ')}`);
  };
}

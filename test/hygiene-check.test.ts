import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/cleanup.js';
import { checkoutChanges, checkoutSnapshot, leftoverProcesses, liveProcesses } from './helpers/hygiene.js';
import { childEnv, TEST_RUN_VARIABLE } from './helpers/test-run.js';

/** The checks test/global-hygiene.ts makes at the end of every run find what they are for. */
describe('the end-of-run hygiene check', () => {
  it("names files a test writes into the checkout, ignored ones (data/) too, and changes to the developer's own", () => {
    const repo = tempDir('vendor-ops-hygiene-repo-');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '--quiet');
    writeFileSync(join(repo, '.gitignore'), 'data/\n.env\nnode_modules/\n');
    writeFileSync(join(repo, 'README.md'), 'readme\n');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'start');
    writeFileSync(join(repo, '.env'), 'AUTH_JWT_SECRET=developer\n');
    const before = checkoutSnapshot(repo);
    expect(checkoutChanges(before, checkoutSnapshot(repo))).toEqual([]);

    mkdirSync(join(repo, 'data'));
    writeFileSync(join(repo, 'data', 'service.sqlite'), 'tokens');
    writeFileSync(join(repo, 'README.md'), 'changed\n');
    writeFileSync(join(repo, '.env'), 'AUTH_JWT_SECRET=overwritten-by-a-test\n');
    mkdirSync(join(repo, 'node_modules'));
    writeFileSync(join(repo, 'node_modules', 'cache.json'), '{}');
    const changes = checkoutChanges(before, checkoutSnapshot(repo));
    expect(changes.map((change) => change.split(' ')[0]).sort()).toEqual(['.env', 'README.md', 'data/service.sqlite']);
  });

  it('finds a process a test started and left, marked or below a test worker', async () => {
    const marked = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { env: childEnv(), stdio: 'ignore' });
    const unmarked = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
    });
    try {
      const mark = `${TEST_RUN_VARIABLE}=${childEnv()[TEST_RUN_VARIABLE]}`;
      // This file runs in a worker whose parent is vitest's own process.
      const found = leftoverProcesses(liveProcesses(), mark, process.ppid).map((p) => p.pid);
      expect(found).toContain(marked.pid);
      expect(found).toContain(unmarked.pid);
      expect(found).not.toContain(process.pid);
      // A marked orphan is found by its mark alone, wherever it hangs in the tree.
      const byMark = leftoverProcesses(liveProcesses(), mark, -1).map((p) => p.pid);
      expect(byMark).toContain(marked.pid);
      expect(byMark).not.toContain(unmarked.pid);
    } finally {
      marked.kill('SIGKILL');
      unmarked.kill('SIGKILL');
    }
  });
});

// What a test run must leave as it found it: the checkout's files, and no process of its own.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Each path `git status` lists (ignored files too, one by one) → its status, size and mtime. */
export type CheckoutSnapshot = Map<string, string>;

/**
 * The checkout as `git status` sees it, ignored files included (data/, .env, dist/ are ignored,
 * and a test writing there must show). node_modules and .cache are left out: tools keep their
 * caches there (vitest's results, the unpacked Prometheus).
 */
export function checkoutSnapshot(root: string): CheckoutSnapshot {
  const listed = execFileSync(
    'git',
    [
      'status',
      '--porcelain=v1',
      '-z',
      '--ignored=traditional',
      '--untracked-files=all',
      '--',
      '.',
      ':(exclude)node_modules',
      ':(exclude).cache',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  const snapshot: CheckoutSnapshot = new Map();
  for (const entry of listed.split('\0').filter(Boolean)) {
    const [status, path] = [entry.slice(0, 2), entry.slice(3)];
    let stat = 'gone';
    try {
      const { size, mtimeMs } = statSync(join(root, path));
      stat = `${size} bytes, modified ${new Date(mtimeMs).toISOString()}`;
    } catch {
      // deleted: the status says so
    }
    snapshot.set(path, `${status} ${stat}`);
  }
  return snapshot;
}

/** Paths that appeared, changed or went between two snapshots, with what happened. */
export function checkoutChanges(before: CheckoutSnapshot, after: CheckoutSnapshot): string[] {
  const changes: string[] = [];
  for (const [path, state] of after) {
    if (!before.has(path)) changes.push(`${path} (new: ${state})`);
    else if (before.get(path) !== state) changes.push(`${path} (changed: ${state})`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`${path} (no longer listed: removed or restored)`);
  return changes;
}

export interface LiveProcess {
  pid: number;
  parent: number;
  command: string;
  environment: string[];
}

/** Every live process (not a zombie) this user may read. Linux only (/proc); elsewhere none. */
export function liveProcesses(): LiveProcess[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  const found: LiveProcess[] = [];
  for (const pid of pids) {
    try {
      // `pid (command) state ppid …`: the command may hold spaces and parentheses.
      const [state, parent] = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .split(' ');
      if (state === 'Z' || state === 'X') continue;
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      found.push({ pid: Number(pid), parent: Number(parent), command, environment });
    } catch {
      // gone meanwhile, or another user's
    }
  }
  return found;
}

/**
 * Processes a test run left behind: those carrying its mark `name=value` (even orphans, whose
 * parent is gone), and those below `runner` deeper than its own children. The runner's own
 * children (test workers, global setups' servers, its transform service) are not counted.
 */
export function leftoverProcesses(processes: LiveProcess[], mark: string, runner: number): LiveProcess[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const depthBelow = (p: LiveProcess): number => {
    let depth = 0;
    for (let at: LiveProcess | undefined = p; at && depth < 64; at = byPid.get(at.parent)) {
      if (at.parent === runner) return depth + 1;
      depth++;
    }
    return 0;
  };
  return processes.filter((p) => p.pid !== runner && p.parent !== runner && (p.environment.includes(mark) || depthBelow(p) >= 2));
}

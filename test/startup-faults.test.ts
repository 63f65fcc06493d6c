import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEntry } from './helpers/child-service.js';

/** The real entry point, run to its exit: what an operator sees in the container log. */
async function runEntryPoint(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, exited } = startEntry(env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  if (child.signalCode === 'SIGKILL') throw new Error(`still running after 20 s:\n${stdout}${stderr}`);
  return { code: child.exitCode, stdout, stderr };
}

describe('start-up faults are one line naming the cause, then exit 1', () => {
  let root: string;
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vendor-ops-startup-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  const live = { VENDOR_MODE: 'live', AUTH_DISABLED: 'true' };
  const cases: Array<[string, () => Record<string, string>, RegExp]> = [
    [
      'DATA_DIR is a file',
      () => {
        writeFileSync(join(root, 'a-file'), 'x');
        return { DATA_DIR: join(root, 'a-file') };
      },
      /^DATA_DIR \(.*a-file\) is not a writable folder: /,
    ],
    [
      'DATA_DIR cannot be created',
      () => {
        writeFileSync(join(root, 'blocker'), 'x');
        return { DATA_DIR: join(root, 'blocker', 'data') };
      },
      /^DATA_DIR \(.*blocker\/data\) is not a writable folder: not a directory/,
    ],
    [
      'a corrupted service.sqlite',
      () => {
        const dir = join(root, 'corrupt');
        mkdirSync(dir);
        writeFileSync(join(dir, 'service.sqlite'), Buffer.alloc(8192, 'garbage!'));
        return { ...live, DATA_DIR: dir };
      },
      /^The database .*corrupt\/service\.sqlite \(in DATA_DIR\) cannot be opened: file is not a database$/,
    ],
    [
      'the port already in use',
      () => ({ DATA_DIR: join(root, 'port'), PORT: String(busyPort) }),
      /^Cannot listen on PORT \d+, HOST 127\.0\.0\.1: the port is already in use$/,
    ],
  ];
  if (process.getuid?.() !== 0) {
    cases.push([
      'DATA_DIR not writable',
      () => {
        const dir = join(root, 'read-only');
        mkdirSync(dir, { mode: 0o500 });
        return { DATA_DIR: dir };
      },
      /^DATA_DIR \(.*read-only\) is not a writable folder: permission denied/,
    ]);
  }

  it.each(cases)('%s', async (_name, env, message) => {
    const { code, stdout, stderr } = await runEntryPoint(env());
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(`${stdout}${stderr}`).not.toMatch(/^\s+at /m);
  });
});

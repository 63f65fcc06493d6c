import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FEYIN_SEED } from '../src/sandbox/index.js';
import { spawnService, type ChildService } from './helpers/child-service.js';
import { eventually } from './helpers/eventually.js';

const QUERY = JSON.stringify({ query: `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }` });
const DRAIN_MS = 2_000;

/** A fresh connection per call (no keep-alive): what the load balancer's next request would meet. */
const get = (url: string) =>
  fetch(url, { headers: { connection: 'close' } }).then(
    (response) => response.status,
    () => 'refused' as const,
  );
const query = (url: string) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: QUERY }).then(
    async (response) => ((await response.json()) as { data?: { printer?: { status?: string } } }).data?.printer?.status,
    () => 'refused' as const,
  );

describe('shutdown a load balancer can follow (SHUTDOWN_DRAIN_MS)', () => {
  let service: ChildService | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await service?.kill9().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    service = dataDir = undefined;
  });

  it('answers /ready 503 while the listener still accepts and serves, then closes and exits 0 within 10 s', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-drain-'));
    service = await spawnService({ DATA_DIR: dataDir, SHUTDOWN_DRAIN_MS: String(DRAIN_MS) });
    const { url } = service;
    expect(await get(`${url}/ready`)).toBe(200);
    const exited = new Promise<number | null>((resolve) => service!.child.once('exit', (code) => resolve(code)));
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    await eventually(() => service!.output.join('').includes('shutting down'), { what: 'the shutdown log line' });

    // The drain: new connections are accepted; readiness says go away; requests are still served.
    expect(await get(`${url}/ready`)).toBe(503);
    expect(await get(`${url}/health`)).toBe(200);
    expect(await query(url)).toBe('online');
    const checkedAt = Date.now();
    expect(checkedAt - signalledAt).toBeLessThan(DRAIN_MS);

    // After it, the listener closes and the process exits 0, within the 10 s budget.
    await eventually(async () => (await get(`${url}/health`)) === 'refused', { what: 'the listener to close', timeoutMs: 10_000 });
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(DRAIN_MS - 100);
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
  }, 30_000);

  it('a second signal skips the rest of the drain (Ctrl-C twice)', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-drain-'));
    service = await spawnService({ DATA_DIR: dataDir, SHUTDOWN_DRAIN_MS: '8000' });
    const exited = new Promise<number | null>((resolve) => service!.child.once('exit', (code) => resolve(code)));
    const signalledAt = Date.now();
    service.child.kill('SIGINT');
    await eventually(() => service!.output.join('').includes('shutting down'), { what: 'the shutdown log line' });
    expect(await get(`${service.url}/ready`)).toBe(503);
    service.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(4_000);
  }, 30_000);
});

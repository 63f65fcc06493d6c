// `tsx bench/profile-requests.ts`: a CPU profile of the built service under wrk's full load
// (the bench's cancel mutation against the Feyin fake), for choosing the next cut on the
// request path. Writes bench/profile/*.cpuprofile (git-ignored) and prints its path.
import { once } from 'node:events';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILE_DIR, startBuiltService } from './built-service.js';
import { forkReady } from './fork-ready.js';
import { feyinFakeEnv } from './requests.js';
import { wrk } from './wrk.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const feyin = await forkReady('./feyin-fake.ts');
const service = await startBuiltService(
  {
    ...feyinFakeEnv(feyin.url),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ...(process.env.BENCH_ABLATE ? { BENCH_ABLATE: process.env.BENCH_ABLATE } : {}),
  },
  {
    profile: true,
    ...(process.env.BENCH_NODE_FLAGS !== undefined ? { nodeFlags: process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean) } : {}),
  },
);
try {
  await wrk(`${service.url}/graphql`, { connections: 50, durationS: 2 });
  const run = await wrk(`${service.url}/graphql`, { connections: 50, durationS: DURATION_S });
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.child.pid}/status`, 'utf8'))?.[1];
  console.log(`${run.requestsPerSecond} req/s, RSS after load ${Math.round(Number(rss) / 1024)} MB`);
} finally {
  service.child.kill('SIGTERM');
  await once(service.child, 'exit');
  feyin.child.kill();
}
const newest = readdirSync(PROFILE_DIR)
  .filter((file) => file.endsWith('.cpuprofile'))
  .map((file) => join(PROFILE_DIR, file))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
console.log(`CPU profile: ${newest}`);

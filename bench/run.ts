// `npm run bench`: figures, not a test. Every system runs in its own process against the same
// constant-cost Feyin fake (bench/feyin-fake.ts), loaded by autocannon from this process:
// the service (built, live mode), two bare passthroughs (global fetch; undici.request) and a
// minimal hand-written Apollo subgraph, alternated over BENCH_ROUNDS rounds; medians and
// ratios, latency at a fixed offered rate, RSS after load, start → ready, the tracing variant,
// the heap bound; then entities, the outbox drain and three replicas on PostgreSQL.
// Prints a table of every figure against the targets of issues 15 and 19 and writes bench/results.json.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { PROFILE_DIR, startBuiltService, startFlags } from './built-service.js';
import { forkReady } from './fork-ready.js';
import { outboxDrain, type DrainResult } from './outbox-drain.js';
import { cancelThroughputOnReplicas } from './replicas.js';
import { startPostgresServer } from '../scripts/postgres-server.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 50;
/** Offered load for the latency comparison (autocannon `overallRate`). */
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const MEMORY_BATCH = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const REPLICAS = 3;
const OUTBOX_DOCUMENTS = Number(process.env.BENCH_OUTBOX_DOCUMENTS ?? 5_000);
/** `BENCH_ONLY=outbox`: only the outbox drain (a quick run while working on the outbox). */
const ONLY = process.env.BENCH_ONLY;
const CANCEL = JSON.stringify({ query: 'mutation { cancelPrintMessage(msgNo: "BENCH-MSG-1") { cancelled } }' });

interface Run {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  total: number;
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type === type) {
        child.off('message', onMessage);
        resolve(message as T);
      }
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

async function load(url: string, options: { duration?: number; amount?: number; rate?: number } = {}): Promise<Run> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: CANCEL,
    connections: CONNECTIONS,
    ...(options.rate ? { overallRate: options.rate } : {}),
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? DURATION_S }),
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Math.round((Number(line.replace(/\D+/g, '')) / 1024) * 10) / 10;
};
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round(((sorted[middle - 1]! + sorted[middle]!) / 2) * 10) / 10;
};
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** The medians of several runs of one system. */
function medians(runs: Array<Run & { rssMb?: number }>) {
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    ...(runs[0]?.rssMb !== undefined ? { rssMb: median(runs.map((r) => r.rssMb!)) } : {}),
  };
}

/** The outbox drain on one replica, on SQLite and on PostgreSQL. */
async function drainBoth(vendorEnv: Record<string, string>): Promise<{ sqlite: DrainResult; postgres: DrainResult }> {
  const sqlite = await outboxDrain({ documents: OUTBOX_DOCUMENTS, vendorEnv });
  const postgresServer = await startPostgresServer({ persistent: false });
  try {
    const databaseUrl = await postgresServer.createDatabase('bench_outbox');
    return { sqlite, postgres: await outboxDrain({ documents: OUTBOX_DOCUMENTS, vendorEnv, databaseUrl }) };
  } finally {
    await postgresServer.remove();
  }
}

type Target = readonly [name: string, target: string, value: string, met: boolean | undefined];

function drainTargets(drain: { sqlite: DrainResult; postgres: DrainResult }): Target[] {
  return (['sqlite', 'postgres'] as const).map((dialect) => [
    `outbox drain, ${drain[dialect].documents} due X-reports, 1 replica, ${dialect}`,
    '≤ 30 s',
    `${drain[dialect].drainMs} ms (${drain[dialect].documentsPerSecond}/s)`,
    drain[dialect].drainMs <= 30_000,
  ]);
}

function printTargets(targets: Target[]): void {
  const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : 'NO');
  console.table(Object.fromEntries(targets.map(([name, target, value, met]) => [name, { value, target, met: mark(met) }])));
}

/** A local OTLP endpoint for the tracing variant: answers everything, counts what arrives (nothing, when unsampled). */
async function otlpSink() {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests: () => requests, close: () => server.close() };
}

/** Prometheus scraping `/metrics` every second while the variant with metrics on runs. */
function scrapeEverySecond(url: string): () => void {
  const timer = setInterval(
    () =>
      void fetch(`${url}/metrics`).then(
        (r) => r.text(),
        () => undefined,
      ),
    1000,
  );
  return () => clearInterval(timer);
}

async function main() {
  const sandbox = fork(new URL('./sandbox-process.ts', import.meta.url).pathname, { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  // The vendor simulators' variables (sandboxEnv): LifePay for the drain, Feyin's device list for entities.
  const { env: sandboxEnv } = (await once(sandbox, 'message'))[0] as { url: string; env: Record<string, string> };
  if (ONLY === 'outbox') {
    printTargets(drainTargets(await drainBoth(sandboxEnv)));
    sandbox.kill();
    return;
  }
  const { child: feyinFake, url: feyin } = await forkReady('./feyin-fake.ts');
  // Every system cancels at the constant-cost fake; the rest of the service's vendors stay the simulators.
  const vendorEnv = { ...sandboxEnv, FEYIN_BASE_URL: feyin };
  const sink = await otlpSink();
  const tracingEnv = {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_SAMPLER: 'always_off',
    OTEL_SERVICE_NAME: 'vendor-operations-bench',
  };

  // Every system in its own process. The service starts with the flags of `npm start`.
  const profile = Boolean(process.env.BENCH_PROFILE);
  const service = await startBuiltService(vendorEnv, { profile });
  const traced = await startBuiltService({ ...vendorEnv, ...tracingEnv });
  const heap192 = await startBuiltService(vendorEnv, { heapMb: 192 });
  const references = {
    fetch: await forkReady('./references/fetch-passthrough.ts', { env: { FEYIN_BASE_URL: feyin } }),
    undici: await forkReady('./references/undici-passthrough.ts', { env: { FEYIN_BASE_URL: feyin } }),
    apollo: await forkReady('./references/apollo-subgraph.ts', { env: { FEYIN_BASE_URL: feyin } }),
    apolloUndici: await forkReady('./references/apollo-subgraph.ts', { env: { FEYIN_BASE_URL: feyin, REFERENCE_TRANSPORT: 'undici' } }),
  };
  const heapFlag = startFlags().find((flag) => flag.startsWith('--max-old-space-size')) ?? 'no heap bound';
  const systems: Record<string, { url: string; pid: number; metrics?: boolean }> = {
    'passthrough, global fetch': { url: references.fetch.url, pid: references.fetch.child.pid! },
    'passthrough, undici.request + keep-alive Agent': { url: references.undici.url, pid: references.undici.child.pid! },
    'hand-written Apollo subgraph, fetch': { url: references.apollo.url, pid: references.apollo.child.pid! },
    'hand-written Apollo subgraph, undici.request': { url: references.apolloUndici.url, pid: references.apolloUndici.child.pid! },
    [`service (${heapFlag})`]: { url: `${service.url}/graphql`, pid: service.child.pid! },
    'service, tracing configured unsampled + metrics scraped': { url: `${traced.url}/graphql`, pid: traced.child.pid!, metrics: true },
    'service, --max-old-space-size=192': { url: `${heap192.url}/graphql`, pid: heap192.child.pid! },
  };
  const names = Object.keys(systems);
  const [FETCH, UNDICI, APOLLO, APOLLO_UNDICI, SERVICE, TRACED, HEAP192] = names as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];

  // Alternating rounds: each round every system once, in a rotated order; the fixed-rate pair too.
  for (const name of names) await load(systems[name]!.url, { duration: 2 }); // warm-up: JIT, sockets, the Feyin token
  const runs: Record<string, Array<Run & { rssMb: number }>> = Object.fromEntries(names.map((name) => [name, []]));
  const atRate: Record<string, Run[]> = { [FETCH]: [], [SERVICE]: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      const system = systems[name]!;
      const stopScraping = system.metrics ? scrapeEverySecond(system.url.replace(/\/graphql$/, '')) : () => undefined;
      const run = await load(system.url);
      stopScraping();
      runs[name]!.push({ ...run, rssMb: rssMb(system.pid) });
    }
    for (const name of round % 2 ? [SERVICE, FETCH] : [FETCH, SERVICE]) atRate[name]!.push(await load(systems[name]!.url, { rate: RATE }));
    console.log(`round ${round + 1}/${ROUNDS} done`);
  }
  const side = Object.fromEntries(names.map((name) => [name, medians(runs[name]!)]));
  const rated = { [FETCH]: medians(atRate[FETCH]!), [SERVICE]: medians(atRate[SERVICE]!) };

  // RSS after MEMORY_BATCH requests and after as many again, for both heap bounds.
  const memory: Record<string, { rssAfterFirstMb: number; rssAfterSecondMb: number; growthMb: number; errors: number }> = {};
  for (const name of [SERVICE, HEAP192]) {
    const first = await load(systems[name]!.url, { amount: MEMORY_BATCH });
    const rssAfterFirstMb = rssMb(systems[name]!.pid);
    const second = await load(systems[name]!.url, { amount: MEMORY_BATCH });
    const rssAfterSecondMb = rssMb(systems[name]!.pid);
    const growthMb = Math.round((rssAfterSecondMb - rssAfterFirstMb) * 10) / 10;
    memory[name] = { rssAfterFirstMb, rssAfterSecondMb, growthMb, errors: first.errors + second.errors };
  }

  for (const child of [traced.child, heap192.child, ...Object.values(references).map((r) => r.child)]) child.kill('SIGTERM');
  service.child.kill('SIGTERM');
  await once(service.child, 'exit');
  let profileFile: string | undefined;
  if (profile) {
    const newest = readdirSync(PROFILE_DIR)
      .filter((file) => file.endsWith('.cpuprofile'))
      .map((file) => join(PROFILE_DIR, file))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    profileFile = newest;
    console.log(`CPU profile of the service: ${newest} (open it in Chrome DevTools → Performance, or speedscope)`);
  }

  // Vendor calls for 100 _entities references of 10 distinct printers (against the Feyin simulator, which counts them).
  const entityService = await startBuiltService(sandboxEnv);
  await ask(sandbox, 'reset');
  const representations = Array.from({ length: 100 }, (_, i) => ({
    __typename: 'Printer',
    deviceNo: `48000000000000${String(i % 10).padStart(2, '0')}`,
  }));
  const entities = await fetch(`${entityService.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Printer { status } } }',
      variables: { r: representations },
    }),
  });
  const entitiesOk = ((await entities.json()) as { data?: { _entities: unknown[] } }).data?._entities.length === 100;
  const { calls: entityVendorCalls } = await ask<{ calls: number }>(sandbox, 'feyin-calls');
  entityService.child.kill('SIGTERM');
  await once(entityService.child, 'exit');

  const outboxDrained = await drainBoth(sandboxEnv);
  const replicaRun = await cancelThroughputOnReplicas({
    replicas: REPLICAS,
    vendorEnv,
    body: CANCEL,
    connections: CONNECTIONS,
    durationS: DURATION_S,
    tokensIssued: async () => (await ask<{ issued: number }>(feyinFake, 'feyin-tokens')).issued,
  });

  const s = side[SERVICE]!;
  const results = {
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    settings: { durationS: DURATION_S, rounds: ROUNDS, connections: CONNECTIONS, offeredRate: RATE, memoryBatch: MEMORY_BATCH, heapFlag },
    sideBySide: side,
    ratios: {
      serviceVsFetchPassthrough: ratio(s.requestsPerSecond, side[FETCH]!.requestsPerSecond),
      serviceVsApollo: ratio(s.requestsPerSecond, side[APOLLO]!.requestsPerSecond),
      serviceVsApolloOnUndici: ratio(s.requestsPerSecond, side[APOLLO_UNDICI]!.requestsPerSecond),
      apolloOnUndiciVsFetchPassthrough: ratio(side[APOLLO_UNDICI]!.requestsPerSecond, side[FETCH]!.requestsPerSecond),
      apolloOnUndiciVsApollo: ratio(side[APOLLO_UNDICI]!.requestsPerSecond, side[APOLLO]!.requestsPerSecond),
      serviceVsUndiciPassthrough: ratio(s.requestsPerSecond, side[UNDICI]!.requestsPerSecond),
      apolloVsFetchPassthrough: ratio(side[APOLLO]!.requestsPerSecond, side[FETCH]!.requestsPerSecond),
      tracedVsService: ratio(side[TRACED]!.requestsPerSecond, s.requestsPerSecond),
      heap192VsService: ratio(side[HEAP192]!.requestsPerSecond, s.requestsPerSecond),
    },
    fixedRate: { offeredRate: RATE, ...rated },
    memory,
    startToReadyMs: service.startToReadyMs,
    otlpRequestsWhileUnsampled: sink.requests(),
    entities: { representations: 100, distinctPrinters: 10, vendorCalls: entityVendorCalls, answered: entitiesOk },
    replicas: replicaRun,
    outboxDrain: outboxDrained,
    profile: profileFile,
  };

  const m = memory[SERVICE]!;
  const m192 = memory[HEAP192]!;
  const p99Rate = rated[SERVICE]!.p99Ms;
  const p99RateFetch = rated[FETCH]!.p99Ms;
  const targets: Target[] = [
    [
      'throughput vs fetch passthrough',
      '≥ 1.0×',
      `${results.ratios.serviceVsFetchPassthrough}×`,
      results.ratios.serviceVsFetchPassthrough >= 1,
    ],
    ['throughput vs hand-written Apollo subgraph', '≥ 1.5×', `${results.ratios.serviceVsApollo}×`, results.ratios.serviceVsApollo >= 1.5],
    [
      'the bound: Apollo subgraph on undici vs fetch passthrough; vs Apollo on fetch',
      '',
      `${results.ratios.apolloOnUndiciVsFetchPassthrough}×; ${results.ratios.apolloOnUndiciVsApollo}×`,
      undefined,
    ],
    ['throughput vs that bound', '', `${results.ratios.serviceVsApolloOnUndici}×`, undefined],
    [`p99 at ${RATE} req/s offered vs fetch passthrough`, '≤ +5 ms', `${p99Rate} vs ${p99RateFetch} ms`, p99Rate <= p99RateFetch + 5],
    [`RSS after ${2 * MEMORY_BATCH} requests (${heapFlag})`, '≤ 150 MB', `${m.rssAfterSecondMb} MB`, m.rssAfterSecondMb <= 150],
    [
      `RSS growth ${MEMORY_BATCH} → ${2 * MEMORY_BATCH} requests`,
      '< 5 MB',
      `${m.rssAfterFirstMb} → ${m.rssAfterSecondMb} MB`,
      m.growthMb < 5,
    ],
    ['start → ready', '≤ 800 ms', `${service.startToReadyMs} ms`, service.startToReadyMs <= 800],
    [
      'tracing configured unsampled + metrics vs off',
      '≥ 0.95×',
      `${results.ratios.tracedVsService}×`,
      results.ratios.tracedVsService >= 0.95,
    ],
    [
      'service errors (all runs)',
      '0',
      String(s.errors + m.errors + rated[SERVICE]!.errors),
      s.errors + m.errors + rated[SERVICE]!.errors === 0,
    ],
    ['heap 192 MB: throughput vs the start command', '', `${results.ratios.heap192VsService}×`, undefined],
    [`heap 192 MB: RSS after ${2 * MEMORY_BATCH} requests`, '', `${m192.rssAfterFirstMb} → ${m192.rssAfterSecondMb} MB`, undefined],
    ['100 refs / 10 printers: vendor calls', '≤ 10', String(entityVendorCalls), entityVendorCalls <= 10 && entitiesOk],
    [`${REPLICAS} replicas on PostgreSQL: Feyin token fetches`, '1', String(replicaRun.tokenFetches), replicaRun.tokenFetches === 1],
    [
      `${REPLICAS} replicas on PostgreSQL: throughput, errors`,
      '0 errors',
      `${replicaRun.requestsPerSecond} req/s, ${replicaRun.errors} errors`,
      replicaRun.errors === 0,
    ],
    ...drainTargets(outboxDrained),
  ];

  console.log(`\nMachine: ${results.machine.cores} cores, ${results.machine.cpu}, Node ${results.machine.node}`);
  console.log(`${ROUNDS} alternating rounds of ${DURATION_S} s, ${CONNECTIONS} connections, medians; each system in its own process`);
  console.table(
    Object.fromEntries(
      names.map((name) => {
        const x = side[name]!;
        const vsFetch = ratio(x.requestsPerSecond, side[FETCH]!.requestsPerSecond);
        return [
          name,
          {
            'req/s': x.requestsPerSecond,
            'vs fetch': vsFetch,
            'vs Apollo': ratio(x.requestsPerSecond, side[APOLLO]!.requestsPerSecond),
            'vs Apollo+undici': ratio(x.requestsPerSecond, side[APOLLO_UNDICI]!.requestsPerSecond),
            'p50 ms': x.p50Ms,
            'p99 ms': x.p99Ms,
            'RSS MB': x.rssMb,
            errors: x.errors,
          },
        ];
      }),
    ),
  );
  console.log(`At a fixed ${RATE} req/s offered (autocannon overallRate), medians:`);
  console.table(rated);
  printTargets(targets);
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log('written: bench/results.json');

  sink.close();
  feyinFake.kill();
  sandbox.kill();
}

await main();

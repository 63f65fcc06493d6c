// `npm run bench`: figures, not a test. Every system runs in its own process against the same
// constant-cost Feyin fake (bench/feyin-fake.ts), loaded by Debian's wrk in its own process
// (bench/wrk.ts): the request path of `npm run bench:requests` (bench/requests.ts: the service
// against the Apollo-on-undici reference, Apollo on fetch and Yoga + graphql-jit; BENCH_ABLATION=1
// adds the ablation) with more systems beside it (two bare passthroughs, the tracing variant, the
// heap bound), alternated over BENCH_ROUNDS rounds; medians and ratios, latency at a fixed offered
// rate, RSS after load, start → ready; then entities, the outbox drain and three replicas on
// PostgreSQL. Prints a table of every figure against its target and writes bench/results.json.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { PROFILE_DIR, startBuiltService, startFlags } from './built-service.js';
import { forkReady } from './fork-ready.js';
import { outboxDrain, type DrainResult } from './outbox-drain.js';
import { cancelThroughputOnReplicas } from './replicas.js';
import {
  ablation,
  alternate,
  APOLLO_FETCH,
  APOLLO_UNDICI,
  CONNECTIONS,
  DURATION_S,
  headlineRatios,
  machine,
  printAblation,
  printComparison,
  printTargets,
  RATE,
  ratio,
  requestPathTargets,
  ROUNDS,
  rssMb,
  SERVICE,
  startReferences,
  YOGA_JIT,
  type System,
} from './requests.js';
import { wrk, wrkBinary } from './wrk.js';
import { startPostgresServer } from '../scripts/postgres-server.js';

const MEMORY_BATCH = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const REPLICAS = 3;
const OUTBOX_DOCUMENTS = Number(process.env.BENCH_OUTBOX_DOCUMENTS ?? 5_000);
/** `BENCH_ONLY=outbox`: only the outbox drain (a quick run while working on the outbox). */
const ONLY = process.env.BENCH_ONLY;

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

/** At least `requests` answers from `url` at full load (wrk runs by time: 5 s runs until there are enough). */
async function loadRequests(url: string, requests: number) {
  let total = 0;
  let errors = 0;
  while (total < requests) {
    const run = await wrk(url, { durationS: 5, connections: CONNECTIONS });
    total += run.total;
    errors += run.errors;
  }
  return { total, errors };
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
  wrkBinary(); // installs it before any process starts
  const profile = Boolean(process.env.BENCH_PROFILE);
  const service = await startBuiltService(vendorEnv, { profile });
  const traced = await startBuiltService({ ...vendorEnv, ...tracingEnv });
  const heap192 = await startBuiltService(vendorEnv, { heapMb: 192 });
  const references = await startReferences(feyin);
  const passthroughs = {
    fetch: await forkReady('./references/fetch-passthrough.ts', { env: { FEYIN_BASE_URL: feyin } }),
    undici: await forkReady('./references/undici-passthrough.ts', { env: { FEYIN_BASE_URL: feyin } }),
  };
  const heapFlag = startFlags().find((flag) => flag.startsWith('--max-old-space-size')) ?? 'no heap bound';
  const FETCH = 'passthrough, global fetch';
  const UNDICI = 'passthrough, undici.request + keep-alive Agent';
  const TRACED = 'service, tracing configured unsampled + metrics scraped';
  const HEAP192 = 'service, --max-old-space-size=192';
  const systems: Record<string, System> = {
    [SERVICE]: { url: `${service.url}/graphql`, pid: service.child.pid! },
    ...references.systems,
    [FETCH]: { url: passthroughs.fetch.url, pid: passthroughs.fetch.child.pid! },
    [UNDICI]: { url: passthroughs.undici.url, pid: passthroughs.undici.child.pid! },
    [TRACED]: { url: `${traced.url}/graphql`, pid: traced.child.pid!, during: () => scrapeEverySecond(traced.url) },
    [HEAP192]: { url: `${heap192.url}/graphql`, pid: heap192.child.pid! },
  };

  // Alternating rounds: each round every system once, in a rotated order; then the fixed-rate runs.
  const { figures: side } = await alternate(systems, {
    rounds: ROUNDS,
    durationS: DURATION_S,
    rate: RATE,
    rateSystems: [SERVICE, APOLLO_UNDICI, APOLLO_FETCH, YOGA_JIT, FETCH],
  });

  // RSS after MEMORY_BATCH requests and after as many again, for both heap bounds.
  const memory: Record<string, { rssAfterFirstMb: number; rssAfterSecondMb: number; growthMb: number; errors: number }> = {};
  for (const name of [SERVICE, HEAP192]) {
    const first = await loadRequests(systems[name]!.url, MEMORY_BATCH);
    const rssAfterFirstMb = rssMb(systems[name]!.pid);
    const second = await loadRequests(systems[name]!.url, MEMORY_BATCH);
    const rssAfterSecondMb = rssMb(systems[name]!.pid);
    const growthMb = Math.round((rssAfterSecondMb - rssAfterFirstMb) * 10) / 10;
    memory[name] = { rssAfterFirstMb, rssAfterSecondMb, growthMb, errors: first.errors + second.errors };
  }

  for (const child of [traced.child, heap192.child, ...references.children, ...Object.values(passthroughs).map((r) => r.child)])
    child.kill('SIGTERM');
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
    connections: CONNECTIONS,
    durationS: DURATION_S,
    tokensIssued: async () => (await ask<{ issued: number }>(feyinFake, 'feyin-tokens')).issued,
  });

  const ablated = process.env.BENCH_ABLATION === '1' ? await ablation(vendorEnv, { rounds: ROUNDS, durationS: DURATION_S }) : undefined;

  const s = side[SERVICE]!;
  const results = {
    machine: machine(),
    settings: {
      durationS: DURATION_S,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      offeredRate: RATE,
      memoryBatch: MEMORY_BATCH,
      heapFlag,
      loadGenerator: 'wrk -t1 (Debian), its own process',
    },
    sideBySide: side,
    ratios: {
      bySystem: headlineRatios(side),
      serviceVsFetchPassthrough: ratio(s.requestsPerSecond, side[FETCH]!.requestsPerSecond),
      serviceVsUndiciPassthrough: ratio(s.requestsPerSecond, side[UNDICI]!.requestsPerSecond),
      apolloOnUndiciVsFetchPassthrough: ratio(side[APOLLO_UNDICI]!.requestsPerSecond, side[FETCH]!.requestsPerSecond),
      tracedVsService: ratio(side[TRACED]!.requestsPerSecond, s.requestsPerSecond),
      heap192VsService: ratio(side[HEAP192]!.requestsPerSecond, s.requestsPerSecond),
    },
    memory,
    startToReadyMs: service.startToReadyMs,
    otlpRequestsWhileUnsampled: sink.requests(),
    entities: { representations: 100, distinctPrinters: 10, vendorCalls: entityVendorCalls, answered: entitiesOk },
    replicas: replicaRun,
    outboxDrain: outboxDrained,
    ...(ablated ? { ablation: { settings: { durationS: DURATION_S, rounds: ROUNDS }, ...ablated } } : {}),
    profile: profileFile,
  };

  const m = memory[SERVICE]!;
  const m192 = memory[HEAP192]!;
  const serviceErrors = s.errors + m.errors + (s.atRate?.errors ?? 0);
  const targets: Target[] = [
    ...requestPathTargets(side),
    [
      'the bound: Apollo subgraph on undici vs fetch passthrough; vs Apollo on fetch',
      '',
      `${results.ratios.apolloOnUndiciVsFetchPassthrough}×; ${results.ratios.bySystem[APOLLO_UNDICI]!.vsApolloFetch}×`,
      undefined,
    ],
    [`RSS after ${2 * MEMORY_BATCH} requests (${heapFlag})`, '≤ 215 MB', `${m.rssAfterSecondMb} MB`, m.rssAfterSecondMb <= 215],
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
    ['service errors (all runs)', '0', String(serviceErrors), serviceErrors === 0],
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
  printComparison(side, { rounds: ROUNDS, durationS: DURATION_S, rate: RATE });
  if (ablated) printAblation(ablated);
  printTargets(targets);
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log('written: bench/results.json');

  sink.close();
  feyinFake.kill();
  sandbox.kill();
}

await main();

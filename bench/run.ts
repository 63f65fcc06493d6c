// `npm run bench`: figures, not a test. Simulators in one process, the built service in
// another (live mode against them), a bare node:http passthrough as the floor, autocannon
// as the load; then three replicas on an embedded PostgreSQL sharing one vendor token
// (bench/replicas.ts). Prints a table and writes bench/results.json.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { startBuiltService } from './built-service.js';
import { cancelThroughputOnReplicas } from './replicas.js';
import { startPostgresServer } from '../scripts/postgres-server.js';
import { outboxDrain, type DrainResult } from './outbox-drain.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 50;
const MEMORY_BATCH = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const REPLICAS = 3;
const OUTBOX_DOCUMENTS = Number(process.env.BENCH_OUTBOX_DOCUMENTS ?? 5_000);
/** `BENCH_ONLY=outbox`: only the outbox drain (a quick run while working on the outbox). */
const ONLY = process.env.BENCH_ONLY;
const CANCEL = JSON.stringify({ query: 'mutation { cancelPrintMessage(msgNo: "BENCH-MSG-1") { cancelled } }' });

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

async function load(url: string, options: { body: string; duration?: number; amount?: number }) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: options.body,
    connections: CONNECTIONS,
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

/** 6. The outbox drain on one replica, on SQLite and on PostgreSQL. */
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

function printDrain(drain: { sqlite: DrainResult; postgres: DrainResult }): Array<readonly [string, boolean, string]> {
  console.table({ 'outbox drain, SQLite': drain.sqlite, 'outbox drain, PostgreSQL': drain.postgres });
  return (['sqlite', 'postgres'] as const).map(
    (dialect) =>
      [
        `${drain[dialect].documents} due documents drained ≤ 30 s (${dialect}, 1 replica)`,
        drain[dialect].drainMs <= 30_000,
        `${drain[dialect].drainMs} ms`,
      ] as const,
  );
}

async function main() {
  const sandbox = fork(new URL('./sandbox-process.ts', import.meta.url).pathname, { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  // The service's vendor variables, as the sandbox process reports them (sandboxEnv).
  const { env: vendorEnv } = (await once(sandbox, 'message'))[0] as { url: string; env: Record<string, string> };
  const feyin = vendorEnv.FEYIN_BASE_URL!;
  if (ONLY === 'outbox') {
    const targets = printDrain(await drainBoth(vendorEnv));
    console.table(Object.fromEntries(targets.map(([name, met, value]) => [name, { value, met: met ? 'yes' : 'NO' }])));
    sandbox.kill();
    return;
  }

  // 4. start → ready
  const started = performance.now();
  const { url: base, child: service } = await startBuiltService(vendorEnv);
  const startToReadyMs = Math.round(performance.now() - started);

  // 2. The floor: the same Feyin call through a bare passthrough, one token fetched up front.
  const tokenAnswer = (await (
    await fetch(`${feyin}/token?code=${vendorEnv.FEYIN_MEMBER_CODE}&secret=${vendorEnv.FEYIN_API_KEY}`)
  ).json()) as { access_token: string };
  const bare = createServer(async (req, res) => {
    for await (const _ of req);
    const answer = await fetch(`${feyin}/msg/BENCH-MSG-1/cancel?access_token=${tokenAnswer.access_token}`, { method: 'POST' });
    const text = await answer.text();
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"data":${text}}`);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;

  await load(`${base}/graphql`, { body: CANCEL, duration: 2 }); // warm-up
  const serviceRun = await load(`${base}/graphql`, { body: CANCEL });
  await load(bareUrl, { body: CANCEL, duration: 2 });
  const bareRun = await load(bareUrl, { body: CANCEL });

  // 3. memory after 100,000 requests, then after a further 100,000
  await load(`${base}/graphql`, { body: CANCEL, amount: MEMORY_BATCH });
  const rssAfterFirst = rssMb(service.pid!);
  await load(`${base}/graphql`, { body: CANCEL, amount: MEMORY_BATCH });
  const rssAfterSecond = rssMb(service.pid!);

  // 5. vendor calls for 100 _entities references of 10 distinct printers
  await ask(sandbox, 'reset');
  const representations = Array.from({ length: 100 }, (_, i) => ({
    __typename: 'Printer',
    deviceNo: `48000000000000${String(i % 10).padStart(2, '0')}`,
  }));
  const entities = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Printer { status } } }',
      variables: { r: representations },
    }),
  });
  const entitiesOk = ((await entities.json()) as { data?: { _entities: unknown[] } }).data?._entities.length === 100;
  const { calls: entityVendorCalls } = await ask<{ calls: number }>(sandbox, 'feyin-calls');
  service.kill('SIGTERM');
  await once(service, 'exit');

  const outboxDrained = await drainBoth(vendorEnv);

  // 6. cancel throughput with three replicas on one PostgreSQL (the one SQLite process stopped above)
  const replicaRun = await cancelThroughputOnReplicas({
    replicas: REPLICAS,
    vendorEnv,
    body: CANCEL,
    connections: CONNECTIONS,
    durationS: DURATION_S,
    tokensIssued: async () => (await ask<{ issued: number }>(sandbox, 'feyin-tokens')).issued,
  });

  const results = {
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    cancelPrintMessage: serviceRun,
    barePassthrough: bareRun,
    ratio: Math.round((serviceRun.requestsPerSecond / bareRun.requestsPerSecond) * 100) / 100,
    p99AboveBareMs: serviceRun.p99Ms - bareRun.p99Ms,
    memory: {
      requestsPerBatch: MEMORY_BATCH,
      rssAfterFirstMb: rssAfterFirst,
      rssAfterSecondMb: rssAfterSecond,
      growthMb: Math.round((rssAfterSecond - rssAfterFirst) * 10) / 10,
    },
    startToReadyMs,
    entities: { representations: 100, distinctPrinters: 10, vendorCalls: entityVendorCalls, answered: entitiesOk },
    replicas: { sqliteOneReplica: serviceRun, postgresReplicas: replicaRun },
    outboxDrain: outboxDrained,
  };
  const targets = [
    ['service / bare ratio ≥ 0.5', results.ratio >= 0.5, String(results.ratio)],
    ['p99 ≤ bare + 5 ms', results.p99AboveBareMs <= 5, `${serviceRun.p99Ms} ms vs ${bareRun.p99Ms} ms`],
    ['memory growth < 10 MB', results.memory.growthMb < 10, `${results.memory.rssAfterFirstMb} → ${results.memory.rssAfterSecondMb} MB`],
    ['start → ready < 1.5 s', startToReadyMs < 1500, `${startToReadyMs} ms`],
    ['zero errors', serviceRun.errors === 0, String(serviceRun.errors)],
    ['100 refs / 10 printers ≤ 10 vendor calls', entityVendorCalls <= 10 && entitiesOk, String(entityVendorCalls)],
    [`${REPLICAS} replicas share one Feyin token`, replicaRun.tokenFetches === 1, `${replicaRun.tokenFetches} token fetch(es)`],
    [`${REPLICAS} replicas: zero errors`, replicaRun.errors === 0, String(replicaRun.errors)],
    ...printDrain(outboxDrained),
  ] as const;

  console.log(`\nMachine: ${results.machine.cores} cores, ${results.machine.cpu}, Node ${results.machine.node}`);
  console.table({
    'cancelPrintMessage (service)': serviceRun,
    'bare passthrough (floor)': bareRun,
  });
  const { tokenFetches, replicas, ...replicaFigures } = replicaRun;
  console.table({
    'cancel: 1 replica, SQLite': serviceRun,
    [`cancel: ${replicas} replicas, PostgreSQL (${tokenFetches} token fetch)`]: replicaFigures,
  });
  console.table(Object.fromEntries(targets.map(([name, met, value]) => [name, { value, met: met ? 'yes' : 'NO' }])));
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log('written: bench/results.json');

  bare.close();
  sandbox.kill();
}

await main();

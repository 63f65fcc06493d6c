// `npm run bench:requests` (and the first part of `npm run bench`): the request path, side by
// side. Every system runs in its own process against the same constant-cost Feyin fake
// (bench/feyin-fake.ts), loaded by Debian's wrk in its own process (bench/wrk.ts), one system at
// a time, in alternating rounds:
//   this service       the built bundle with `npm start`'s flags, live mode
//   Apollo + undici    a hand-written Apollo Server 5 subgraph calling Feyin with undici.request (THE reference)
//   Apollo + fetch     the same on global fetch
//   Yoga + graphql-jit the same schema on GraphQL Yoga with @envelop/graphql-jit, on global fetch
// Figures per system, medians over BENCH_ROUNDS rounds of BENCH_DURATION seconds: req/s, p50 and
// p99 at full load (50 connections), p99 at a fixed offered rate (BENCH_RATE), RSS after load,
// CPU per request, and the CPU wrk took beside it; ratios against each reference.
// BENCH_ABLATION=1 adds the ablation: the service with one layer left out at a time
// (BENCH_ABLATE, src/config.ts), each layer's cost in µs of CPU per request.
// Writes its part of bench/results.json (`requestPath`, `ablation`).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBuiltService, startFlags, type BuiltService } from './built-service.js';
import { forkReady } from './fork-ready.js';
import { processCpuMs, wrk, wrkBinary, type WrkRun } from './wrk.js';

export const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
export const CONNECTIONS = 50;
/** Offered load for the latency comparison: well under every system's throughput, so each keeps up. */
export const RATE = Number(process.env.BENCH_RATE ?? 1000);
const WARM_UP_S = 2;
const RESULTS = new URL('./results.json', import.meta.url);

export const SERVICE = 'this service';
export const APOLLO_UNDICI = 'Apollo Server 5 subgraph, undici.request';
export const APOLLO_FETCH = 'Apollo Server 5 subgraph, fetch';
export const YOGA_JIT = 'Yoga + graphql-jit subgraph, fetch';

export interface System {
  url: string;
  pid: number;
  /** Runs beside each of this system's loads (e.g. a metrics scrape); returns its stop. */
  during?: () => () => void;
}

/** One full-load run of one system. */
interface Measured extends WrkRun {
  rssMb: number;
  /** The system's own CPU (user + system) per answered request, µs. */
  cpuUsPerRequest: number;
}

export interface SystemFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number;
  cpuUsPerRequest: number;
  /** wrk's CPU over the system's, over the full-load runs: the load generator's share. */
  wrkCpuVsSystem: number;
  errors: number;
  /** At the fixed offered rate (when measured): p99, and the rate achieved (lower = the system could not keep up). */
  atRate?: { offered: number; achieved: number; p50Ms: number; p99Ms: number; errors: number };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 10) / 10;
};
export const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Math.round((Number(line.replace(/\D+/g, '')) / 1024) * 10) / 10;
};

/** One run at full load with the system's CPU and RSS around it. */
async function measure(system: System, durationS: number): Promise<Measured> {
  const stop = system.during?.() ?? (() => undefined);
  const cpuBefore = await processCpuMs(system.pid);
  const run = await wrk(system.url, { durationS, connections: CONNECTIONS });
  const cpuMs = (await processCpuMs(system.pid)) - cpuBefore;
  stop();
  return { ...run, rssMb: rssMb(system.pid), cpuUsPerRequest: Math.round((cpuMs * 1000) / Math.max(1, run.total)) };
}

/** One cancel, answered with data and no error: a system that fails fast must not look fast. */
export async function checkAnswers(name: string, url: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { cancelPrintMessage(msgNo: "BENCH-MSG-1") { cancelled } }' }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: unknown; errors?: unknown };
  if (!response.ok || !body.data || body.errors) throw new Error(`${name} does not answer the cancel: ${JSON.stringify(body)}`);
}

/**
 * Every system once per round, in an order rotated each round, at full load; then, when
 * `rateSystems` names some, each of those at the fixed offered rate. Medians over the rounds;
 * `perRound` keeps each round's runs for paired differences (the ablation).
 */
export async function alternate(
  systems: Record<string, System>,
  options: { rounds: number; durationS: number; rate?: number; rateSystems?: string[] },
): Promise<{ figures: Record<string, SystemFigures>; perRound: Array<Record<string, Measured>> }> {
  const names = Object.keys(systems);
  for (const name of names) await checkAnswers(name, systems[name]!.url);
  for (const name of names) await wrk(systems[name]!.url, { durationS: WARM_UP_S, connections: CONNECTIONS }); // JIT, sockets, the Feyin token
  const perRound: Array<Record<string, Measured>> = [];
  const atRate: Record<string, WrkRun[]> = {};
  for (let round = 0; round < options.rounds; round += 1) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    const runs: Record<string, Measured> = {};
    for (const name of order) runs[name] = await measure(systems[name]!, options.durationS);
    perRound.push(runs);
    if (options.rate) {
      for (const name of order.filter((n) => options.rateSystems?.includes(n))) {
        (atRate[name] ??= []).push(
          await wrk(systems[name]!.url, { durationS: options.durationS, connections: CONNECTIONS, rate: options.rate }),
        );
      }
    }
    console.log(`round ${round + 1}/${options.rounds} done`);
  }
  const figures: Record<string, SystemFigures> = {};
  for (const name of names) {
    const runs = perRound.map((r) => r[name]!);
    const systemCpuMs = runs.reduce((sum, r) => sum + (r.cpuUsPerRequest * r.total) / 1000, 0);
    const rated = atRate[name];
    figures[name] = {
      requestsPerSecond: Math.round(median(runs.map((r) => r.requestsPerSecond))),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      rssMb: median(runs.map((r) => r.rssMb)),
      cpuUsPerRequest: Math.round(median(runs.map((r) => r.cpuUsPerRequest))),
      wrkCpuVsSystem: ratio(
        runs.reduce((sum, r) => sum + r.wrkCpuMs, 0),
        Math.max(1, systemCpuMs),
      ),
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
      ...(rated
        ? {
            atRate: {
              offered: options.rate!,
              achieved: Math.round(median(rated.map((r) => r.requestsPerSecond))),
              p50Ms: median(rated.map((r) => r.p50Ms)),
              p99Ms: median(rated.map((r) => r.p99Ms)),
              errors: rated.reduce((sum, r) => sum + r.errors, 0),
            },
          }
        : {}),
    };
  }
  return { figures, perRound };
}

/** The headline references, each in its own process against `feyin`. */
export async function startReferences(feyin: string) {
  const env = { FEYIN_BASE_URL: feyin };
  const references = {
    [APOLLO_UNDICI]: await forkReady('./references/apollo-subgraph.ts', { env: { ...env, REFERENCE_TRANSPORT: 'undici' } }),
    [APOLLO_FETCH]: await forkReady('./references/apollo-subgraph.ts', { env }),
    [YOGA_JIT]: await forkReady('./references/yoga-subgraph.ts', { env }),
  };
  const systems: Record<string, System> = Object.fromEntries(
    Object.entries(references).map(([name, { url, child }]) => [name, { url, pid: child.pid! }]),
  );
  return { systems, children: Object.values(references).map((r) => r.child) };
}

/** Each system against each reference: throughput ratios and the p99 differences at the fixed rate. */
export function headlineRatios(figures: Record<string, SystemFigures>) {
  const rps = (name: string) => figures[name]!.requestsPerSecond;
  return Object.fromEntries(
    Object.keys(figures).map((name) => [
      name,
      {
        vsApolloUndici: ratio(rps(name), rps(APOLLO_UNDICI)),
        vsApolloFetch: ratio(rps(name), rps(APOLLO_FETCH)),
        vsYogaJit: ratio(rps(name), rps(YOGA_JIT)),
        ...(figures[name]!.atRate && figures[APOLLO_UNDICI]!.atRate
          ? { p99AtRateVsApolloUndiciMs: Math.round((figures[name]!.atRate!.p99Ms - figures[APOLLO_UNDICI]!.atRate!.p99Ms) * 10) / 10 }
          : {}),
      },
    ]),
  );
}

/** Issue 28's targets for the request path, each with its value and whether it is met. */
export function requestPathTargets(
  figures: Record<string, SystemFigures>,
  service = SERVICE,
): Array<readonly [name: string, target: string, value: string, met: boolean]> {
  const ratios = headlineRatios(figures)[service]!;
  const s = figures[service]!;
  const rated = s.atRate && figures[APOLLO_UNDICI]!.atRate;
  return [
    ['throughput vs Apollo subgraph on undici.request', '≥ 0.75×', `${ratios.vsApolloUndici}×`, ratios.vsApolloUndici >= 0.75],
    ['throughput vs Apollo subgraph on fetch', '≥ 1.3×', `${ratios.vsApolloFetch}×`, ratios.vsApolloFetch >= 1.3],
    ['throughput vs Yoga + graphql-jit', '≥ 1.3×', `${ratios.vsYogaJit}×`, ratios.vsYogaJit >= 1.3],
    ...(rated
      ? ([
          [
            `p99 at ${s.atRate!.offered} req/s offered vs Apollo on undici`,
            '≤ +5 ms',
            `${s.atRate!.p99Ms} vs ${figures[APOLLO_UNDICI]!.atRate!.p99Ms} ms`,
            s.atRate!.p99Ms <= figures[APOLLO_UNDICI]!.atRate!.p99Ms + 5,
          ],
        ] as const)
      : []),
    ['RSS after load', '≤ 215 MB', `${s.rssMb} MB`, s.rssMb <= 215],
  ];
}

export function printTargets(targets: ReadonlyArray<readonly [string, string, string, boolean | undefined]>): void {
  const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : 'NO');
  console.table(Object.fromEntries(targets.map(([name, target, value, met]) => [name, { value, target, met: mark(met) }])));
}

export function printComparison(
  figures: Record<string, SystemFigures>,
  settings: { rounds: number; durationS: number; rate: number },
): void {
  const ratios = headlineRatios(figures);
  console.log(
    `\n${settings.rounds} alternating rounds of ${settings.durationS} s, wrk -t1 -c${CONNECTIONS} in its own process, medians; each system in its own process`,
  );
  console.table(
    Object.fromEntries(
      Object.entries(figures).map(([name, x]) => [
        name,
        {
          'req/s': x.requestsPerSecond,
          'vs Apollo+undici': ratios[name]!.vsApolloUndici,
          'vs Apollo+fetch': ratios[name]!.vsApolloFetch,
          'vs Yoga+jit': ratios[name]!.vsYogaJit,
          'p50 ms': x.p50Ms,
          'p99 ms': x.p99Ms,
          [`p99 ms @${settings.rate}/s`]: x.atRate ? x.atRate.p99Ms : '',
          'achieved /s': x.atRate ? x.atRate.achieved : '',
          'RSS MB': x.rssMb,
          'CPU µs/req': x.cpuUsPerRequest,
          'wrk CPU ÷ its': x.wrkCpuVsSystem,
          errors: x.errors + (x.atRate?.errors ?? 0),
        },
      ]),
    ),
  );
  console.log(
    `p99 @${settings.rate}/s: wrk's Lua delay() paces each request to the next slot of one schedule ` +
      `(1/${settings.rate} s apart; bench/wrk/cancel.lua); "achieved" below the offer means the system could not keep up.`,
  );
}

/**
 * The layers BENCH_ABLATE can leave out, as the table names them. Left out by the service's own
 * hook (src/app.ts), never by another build: each variant is the same bundle with one variable.
 */
export const ABLATION_LAYERS: Record<string, string> = {
  metrics: 'metrics (per-request samples)',
  'operation-log': 'operation log (line + graphql_operations_*)',
  limits: 'limits and cost analysis',
  'cache-policy': 'cache policy',
  merchants: 'merchant lookup and shares',
  loaders: "loaders (each request's domain slices)",
  ky: 'ky → direct undici.request',
};
const FULL = 'full service';

/**
 * The service with each layer left out in turn (BENCH_ABLATE), against the full service in the
 * same mode, in alternating rounds. A layer's cost is the full service's CPU per request minus
 * the variant's, paired round by round, median. All variants run outside production (the
 * variable is refused there) with production's settings otherwise, LOG_LEVEL=info included,
 * so that the operation log's line is written as in production.
 */
export async function ablation(vendorEnv: Record<string, string>, options: { rounds: number; durationS: number }) {
  const env = { ...vendorEnv, NODE_ENV: 'development', INTROSPECTION: 'false', GRAPHIQL: 'false', CORS_ORIGINS: 'none', LOG_LEVEL: 'info' };
  const started: Record<string, BuiltService> = { [FULL]: await startBuiltService(env) };
  for (const layer of Object.keys(ABLATION_LAYERS)) started[layer] = await startBuiltService({ ...env, BENCH_ABLATE: layer });
  try {
    const systems = Object.fromEntries(Object.entries(started).map(([name, s]) => [name, { url: `${s.url}/graphql`, pid: s.child.pid! }]));
    const { figures, perRound } = await alternate(systems, options);
    const full = figures[FULL]!;
    const layers = Object.fromEntries(
      Object.entries(ABLATION_LAYERS).map(([layer, label]) => {
        const differences = perRound.map((r) => r[FULL]!.cpuUsPerRequest - r[layer]!.cpuUsPerRequest);
        const saved = median(differences);
        return [
          layer,
          {
            label,
            costUsPerRequest: saved,
            /** The smallest and largest per-round difference: the run's noise on this figure. */
            costRangeUsPerRequest: [Math.min(...differences), Math.max(...differences)],
            shareOfService: ratio(saved, full.cpuUsPerRequest),
            variantCpuUsPerRequest: figures[layer]!.cpuUsPerRequest,
            variantRequestsPerSecond: figures[layer]!.requestsPerSecond,
            throughputVsFull: ratio(figures[layer]!.requestsPerSecond, full.requestsPerSecond),
          },
        ];
      }),
    );
    return { full, layers };
  } finally {
    await stopAll(Object.values(started).map((s) => s.child));
  }
}

export function printAblation(result: Awaited<ReturnType<typeof ablation>>): void {
  console.log(
    `\nAblation: the service (LOG_LEVEL=info, production's settings) with one layer left out; full service ` +
      `${result.full.cpuUsPerRequest} µs CPU/request, ${result.full.requestsPerSecond} req/s. Cost = full − variant, paired per round, median.`,
  );
  console.table(
    Object.fromEntries(
      Object.values(result.layers).map((x) => [
        x.label,
        {
          'cost µs/req': x.costUsPerRequest,
          'per-round range': `${x.costRangeUsPerRequest[0]} … ${x.costRangeUsPerRequest[1]}`,
          'share of service': x.shareOfService,
          'variant µs/req': x.variantCpuUsPerRequest,
          'variant req/s': x.variantRequestsPerSecond,
          'vs full': x.throughputVsFull,
        },
      ]),
    ),
  );
}

export async function stopAll(children: ChildProcess[]): Promise<void> {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
}

/** The machine, and how busy it was when the run ended (1, 5, 15 minutes; other work shares it). */
export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Merges `part` into bench/results.json, keeping what `npm run bench` wrote there before. */
export function writeResults(part: Record<string, unknown>): void {
  const before = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS, `${JSON.stringify({ ...before, ...part }, null, 2)}\n`);
  console.log('written: bench/results.json');
}

/** The service's Feyin account at the fake (which checks no credential). */
export const feyinFakeEnv = (feyin: string) => ({ FEYIN_BASE_URL: feyin, FEYIN_MEMBER_CODE: 'bench', FEYIN_API_KEY: 'bench-key' });

async function main() {
  wrkBinary(); // installs it before any process starts
  const { child: feyinFake, url: feyin } = await forkReady('./feyin-fake.ts');
  const children: ChildProcess[] = [feyinFake];
  try {
    const service = await startBuiltService(feyinFakeEnv(feyin));
    children.push(service.child);
    const references = await startReferences(feyin);
    children.push(...references.children);
    const heapFlag = startFlags().find((flag) => flag.startsWith('--max-old-space-size')) ?? 'no heap bound';
    const systems = { [SERVICE]: { url: `${service.url}/graphql`, pid: service.child.pid! }, ...references.systems };
    const { figures } = await alternate(systems, { rounds: ROUNDS, durationS: DURATION_S, rate: RATE, rateSystems: Object.keys(systems) });
    printComparison(figures, { rounds: ROUNDS, durationS: DURATION_S, rate: RATE });
    printTargets(requestPathTargets(figures));
    const ablated =
      process.env.BENCH_ABLATION === '1' ? await ablation(feyinFakeEnv(feyin), { rounds: ROUNDS, durationS: DURATION_S }) : undefined;
    if (ablated) printAblation(ablated);
    writeResults({
      requestPath: {
        machine: machine(),
        settings: {
          durationS: DURATION_S,
          rounds: ROUNDS,
          connections: CONNECTIONS,
          offeredRate: RATE,
          heapFlag,
          loadGenerator: 'wrk -t1 (Debian)',
        },
        systems: figures,
        ratios: headlineRatios(figures),
      },
      ...(ablated ? { ablation: { settings: { durationS: DURATION_S, rounds: ROUNDS }, ...ablated } } : {}),
    });
  } finally {
    await stopAll(children);
  }
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) await main();

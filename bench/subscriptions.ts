// `npm run bench:subscriptions`: live updates at scale (issue 26), figures, not a test. The built
// service (live mode, caller auth off), the vendor simulators (bench/sandbox-process.ts) and two
// subscriber processes (bench/subscriber-process.ts: raw `ws`, graphql-transport-ws by hand) each
// run in their own process; this process sends Feyin's callbacks and measures. First a probe with
// exactly `npm start`'s flags: BENCH_SUBSCRIBERS (10,000) subscriptions on one key, 1,000 at a
// time: does the service hold them in its 128 MB heap? Then the cases, each on a fresh service
// started with `npm start`'s flags but the heap bound raised to BENCH_HEAP_MB (256), with
// BENCH_SUBSCRIBERS `printMessageUpdated` subscriptions over BENCH_SOCKETS (100) sockets: on one
// key, on 10 keys, on a key each, and on 10 keys over two replicas sharing an embedded PostgreSQL
// (LISTEN/NOTIFY), half the subscribers on each, the callbacks to the first. Each case sends one
// signed `msg_printed` callback per key and measures the time from each callback's answer until
// each subscriber of its key has the change, Feyin's message status reads (the simulator counts
// them; per replica from its /metrics), service RSS per idle subscription (after settling: no GC
// can be forced with the start command's flags) and service CPU per delivered event. Prints every
// figure against its target and writes bench/subscriptions-results.json. BENCH_ONLY=start-flags,
// one-key,ten-keys,key-each-burst,key-each,replicas picks cases; BENCH_HEAP_SNAPSHOTS=1 and BENCH_PROFILE=1
// write heap snapshots (read them with bench/heap-diff.ts) and CPU profiles to bench/profile/.
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { formatFeyinTime } from '../src/printing/feyin-callback.js';
import { secretFor } from '../src/printing/feyin-callback-signer.js';
import { FEYIN_SEED } from '../src/sandbox/index.js';
import { startPostgresServer } from '../scripts/postgres-server.js';
import { PROFILE_DIR, startBuiltService, startFlags, type BuiltService } from './built-service.js';
import { forkReady } from './fork-ready.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 100);
/** How long the service is left alone before its RSS is read (no GC can be forced with `npm start`'s flags). */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3_000);
/** Callbacks in flight at once when there are many keys. */
const CALLBACK_CONCURRENCY = 32;
const SUBSCRIBER_PROCESSES = 2;
const WATCH = 'subscription($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status printedAt } }';
/** Heap snapshots of the (first) service with its sockets open and with every subscription idle, for bench/heap-diff.ts; its RSS figures then mean nothing. */
const HEAP_SNAPSHOTS = Boolean(process.env.BENCH_HEAP_SNAPSHOTS);
/** The cases' heap bound (MB) in place of `npm start`'s 128, which 10,000 subscriptions exceed (the probe case shows it). */
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 256);
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Sends `message` and waits for the child's answer of the same type (or its `failed`). */
function ask<T = Record<string, unknown>>(child: ChildProcess, message: { type: string } & Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: { type: string; message?: string }) => {
      if (answer.type !== message.type && answer.type !== 'failed') return;
      child.off('message', onMessage);
      if (answer.type === 'failed') reject(new Error(answer.message));
      else resolve(answer as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** VmRSS in KB, and user + system CPU time in ms, of a process. */
function processFigures(pid: number): { rssKb: number; cpuMs: number } {
  const rssLine = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('VmRSS:'))!;
  // Fields after the command (which may hold spaces): utime and stime are the 14th and 15th of the line.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssKb: Number(rssLine.replace(/\D+/g, '')), cpuMs: (ticks * 1000) / CLOCK_TICKS };
}

/** The sum of a metric's samples whose labels contain `labels` (e.g. `operation="msg.status"`). */
async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !(line[name.length] === '{' || line[name.length] === ' ')) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
const msgStatusCalls = (url: string) => metric(url, 'vendor_calls_total', 'operation="msg.status"');

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One signed `msg_printed` callback (as Feyin sends it); resolves when its answer arrives, with that time. */
async function printedCallback(url: string, msgNo: string, apiKey: string): Promise<number> {
  const payload = { device_no: FEYIN_SEED.onlinePrinter, msg_no: msgNo, print_time: formatFeyinTime(new Date()) };
  const secret = secretFor('msg_printed', payload, apiKey);
  const answer = await fetch(`${url}/callbacks/feyin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ msg_type: 'msg_printed', payload: { ...payload, secret } }),
  });
  const at = now();
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`callback for ${msgNo} answered ${answer.status}: ${text}`);
  return at;
}

/** Every key's callback, `concurrency` at a time; the time each one's answer came. */
async function callbacks(url: string, keys: string[], apiKey: string): Promise<number[]> {
  const answeredAt = new Array<number>(keys.length);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const index = next++;
      answeredAt[index] = await printedCallback(url, keys[index]!, apiKey);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CALLBACK_CONCURRENCY, keys.length) }, worker));
  return answeredAt;
}

/** Has the service write a heap snapshot (after a full GC) to bench/profile/ and waits until it is written. */
async function heapSnapshot(service: BuiltService, label: string): Promise<void> {
  const written = () => new Set(readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.heapsnapshot')));
  const before = written();
  service.child.kill('SIGUSR2');
  for (;;) {
    await sleep(500);
    const file = [...written()].find((f) => !before.has(f));
    // Written once its size stops changing.
    if (file) {
      const size = statSync(`${PROFILE_DIR}/${file}`).size;
      await sleep(1000);
      if (size > 0 && statSync(`${PROFILE_DIR}/${file}`).size === size) {
        console.log(`heap snapshot, ${label}: ${PROFILE_DIR}/${file}`);
        return;
      }
    }
  }
}

interface CaseOptions {
  name: string;
  /** What the services were started with, for the results. */
  flags: string;
  keys: number;
  /** Subscribe in this many steps, each waiting for its first states (the probe: how many fit). */
  steps?: number;
  /** Services of the case: the subscriber processes split over them; the callbacks go to the first. */
  services: BuiltService[];
}

interface Tools {
  sandbox: ChildProcess;
  subscribers: ChildProcess[];
  apiKey: string;
}

let caseNumber = 0;

async function runCase(tools: Tools, options: CaseOptions) {
  const { sandbox, subscribers, apiKey } = tools;
  const { services } = options;
  caseNumber += 1;
  const keys = Array.from({ length: options.keys }, (_, i) => `SUB${caseNumber}-${String(i).padStart(5, '0')}`);
  await ask(sandbox, { type: 'add-messages', msgNos: keys });
  const figures = () => services.map((service) => processFigures(service.child.pid!));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const serviceOf = (child: number) => services[child % services.length]!;
  // A service that dies (out of heap) ends the case: what was open then is the figure.
  const died = Promise.race(
    services.map((s) => (s.child.exitCode !== null ? Promise.resolve() : once(s.child, 'exit').then(() => undefined))),
  ).then(() => 'died' as const);
  const diedResult = async () => {
    const counts = await Promise.all(subscribers.map((child) => ask<{ firsts: number; received: number }>(child, { type: 'count' })));
    await Promise.all(subscribers.map((child) => ask(child, { type: 'close' })));
    const dead = services.find((s) => s.child.exitCode !== null || s.child.signalCode !== null)!;
    const crashed = {
      exit: dead.child.signalCode ?? dead.child.exitCode,
      firstStatesBeforeCrash: sum(counts.map((c) => c.firsts)),
      changesBeforeCrash: sum(counts.map((c) => c.received)),
    };
    console.log(JSON.stringify({ name: options.name, flags: options.flags, crashed }));
    return { name: options.name, flags: options.flags, replicas: services.length, subscribers: SUBSCRIBERS, keys: options.keys, crashed };
  };

  await sleep(SETTLE_MS);
  const rssBare = figures().map((f) => f.rssKb);
  const perProcess = SOCKETS / subscribers.length;
  await Promise.all(subscribers.map((child, c) => ask(child, { type: 'connect', url: serviceOf(c).url, sockets: perProcess })));
  await sleep(SETTLE_MS);
  const rssSockets = figures().map((f) => f.rssKb);
  if (HEAP_SNAPSHOTS) await heapSnapshot(services[0]!, `${options.name}, sockets open`);

  // Subscriber g watches key ⌊g·keys/N⌋ (contiguous blocks) and lives in process g mod 2: with
  // 10 keys, every key has subscribers in both processes (so on both replicas).
  const keyOfByProcess = subscribers.map(() => [] as number[]);
  for (let g = 0; g < SUBSCRIBERS; g += 1) keyOfByProcess[g % subscribers.length]!.push(Math.floor((g * options.keys) / SUBSCRIBERS));

  const readsBefore = (await ask<{ reads: number }>(sandbox, { type: 'message-status-reads' })).reads;
  const subscribeStarted = now();
  const steps = options.steps ?? 1;
  let firsts: Array<{ ok: boolean; firsts: number; errors: number; firstErrors: string[]; lastFirstAt: number }> = [];
  for (let step = 1; step <= steps; step += 1) {
    const range = (c: number) => ({
      from: Math.round((keyOfByProcess[c]!.length * (step - 1)) / steps),
      to: Math.round((keyOfByProcess[c]!.length * step) / steps),
    });
    await Promise.all(
      subscribers.map((child, c) => ask(child, { type: 'subscribe', query: WATCH, keys, keyOf: keyOfByProcess[c]!, ...range(c) })),
    );
    const firstsOrDeath = await Promise.race([
      died,
      Promise.all(
        subscribers.map((child, c) =>
          ask<(typeof firsts)[number]>(child, { type: 'await-first', timeoutMs: 120_000, expect: range(c).to }),
        ),
      ),
    ]);
    if (firstsOrDeath === 'died') return diedResult();
    firsts = firstsOrDeath;
  }
  const subscribeMs = Math.max(...firsts.map((f) => f.lastFirstAt)) - subscribeStarted;
  const subscribeErrors = sum(firsts.map((f) => f.errors));
  if (subscribeErrors > 0 || firsts.some((f) => !f.ok)) {
    console.warn(`${options.name}: ${subscribeErrors} subscriptions refused, first states complete: ${firsts.every((f) => f.ok)}`);
    for (const f of firsts) for (const error of f.firstErrors) console.warn(`  ${error}`);
  }
  const readsAtSubscribe = (await ask<{ reads: number }>(sandbox, { type: 'message-status-reads' })).reads - readsBefore;
  await sleep(SETTLE_MS);
  const idle = figures();
  const heapUsed = await Promise.all(services.map((s) => metric(s.url, 'nodejs_heap_size_used_bytes')));
  if (HEAP_SNAPSHOTS) await heapSnapshot(services[0]!, `${options.name}, ${SUBSCRIBERS} subscriptions idle`);

  // The change: one callback per key, to the first service.
  const callsBefore = await Promise.all(services.map((s) => msgStatusCalls(s.url)));
  const readsBeforeChange = (await ask<{ reads: number }>(sandbox, { type: 'message-status-reads' })).reads;
  const cpuBefore = figures().map((f) => f.cpuMs);
  const changes = subscribers.map((child) =>
    ask<{
      ok: boolean;
      received: number;
      completed: number;
      errors: number;
      firstErrors: string[];
      wrongChanges: number;
      changeAt: number[];
    }>(child, { type: 'await-change', timeoutMs: 120_000 }),
  );
  const changeStarted = now();
  const answeredAt = await callbacks(services[0]!.url, keys, apiKey);
  const changedOrDeath = await Promise.race([died, Promise.all(changes)]);
  if (changedOrDeath === 'died') return diedResult();
  const changed = changedOrDeath;
  const cpuAfter = figures().map((f) => f.cpuMs);
  const readsAtChange = (await ask<{ reads: number }>(sandbox, { type: 'message-status-reads' })).reads - readsBeforeChange;
  const callsAfter = await Promise.all(services.map((s) => msgStatusCalls(s.url)));

  // Each subscriber's delay: its event's arrival after its key's callback was answered.
  const delays: number[] = [];
  let lastEventAt = 0;
  changed.forEach((result, c) => {
    result.changeAt.forEach((at, j) => {
      if (at === 0) return;
      delays.push(at - answeredAt[keyOfByProcess[c]![j]!]!);
      lastEventAt = Math.max(lastEventAt, at);
    });
  });
  delays.sort((a, b) => a - b);
  const delivered = sum(changed.map((r) => r.received));
  const cpuMs = sum(cpuAfter) - sum(cpuBefore);

  await Promise.all(subscribers.map((child) => ask(child, { type: 'close' })));

  const replicas = services.map((_, i) => ({
    rssBareMb: round(rssBare[i]! / 1024),
    rssSocketsMb: round(rssSockets[i]! / 1024),
    rssIdleSubscriptionsMb: round(idle[i]!.rssKb / 1024),
    heapUsedMb: round(heapUsed[i]! / 1024 / 1024),
    msgStatusReadsAtChange: callsAfter[i]! - callsBefore[i]!,
    msgStatusReadsPerChange: round((callsAfter[i]! - callsBefore[i]!) / options.keys, 2),
  }));
  const rssPerSubscriptionKb = (sum(idle.map((f) => f.rssKb)) - sum(rssSockets)) / SUBSCRIBERS;
  const result = {
    name: options.name,
    flags: options.flags,
    replicas: services.length,
    subscribers: SUBSCRIBERS,
    sockets: SOCKETS,
    keys: options.keys,
    subscribersPerKey: SUBSCRIBERS / options.keys,
    subscribe: { allFirstStatesMs: Math.round(subscribeMs), refused: subscribeErrors, msgStatusReads: readsAtSubscribe },
    change: {
      delivered,
      missing: SUBSCRIBERS - subscribeErrors - delivered,
      completed: sum(changed.map((r) => r.completed)),
      wrongStates: sum(changed.map((r) => r.wrongChanges)),
      errors: sum(changed.map((r) => r.errors)),
      callbacksMs: Math.round(Math.max(...answeredAt) - changeStarted),
      lastEventAfterFirstCallbackMs: Math.round(lastEventAt - changeStarted),
      delayAfterAnswerMs: { p50: round(percentile(delays, 0.5)), p99: round(percentile(delays, 0.99)), max: round(delays.at(-1) ?? NaN) },
      msgStatusReads: readsAtChange,
      msgStatusReadsPerChange: round(readsAtChange / options.keys, 2),
      serviceCpuMs: Math.round(cpuMs),
      cpuPerEventUs: round((cpuMs * 1000) / delivered),
    },
    rss: {
      perSubscriptionKb: round(rssPerSubscriptionKb, 2),
      per1000SubscriptionsMb: round((rssPerSubscriptionKb * 1000) / 1024, 2),
    },
    perReplica: replicas,
  };
  console.log(JSON.stringify(result));
  return result;
}

type Target = readonly [name: string, target: string, value: string, met: boolean];

async function stopAll(services: BuiltService[]): Promise<void> {
  for (const s of services) s.child.kill('SIGTERM');
  await Promise.all(services.map((s) => (s.child.exitCode === null && s.child.signalCode === null ? once(s.child, 'exit') : undefined)));
}

async function main() {
  const sandbox = fork(new URL('./sandbox-process.ts', import.meta.url).pathname, { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const subscribers: ChildProcess[] = [];
  const running: BuiltService[] = [];
  try {
    const { env: sandboxEnv } = (await once(sandbox, 'message'))[0] as { env: Record<string, string> };
    for (let i = 0; i < SUBSCRIBER_PROCESSES; i += 1) subscribers.push((await forkReady('./subscriber-process.ts')).child);
    const tools: Tools = { sandbox, subscribers, apiKey: sandboxEnv.FEYIN_API_KEY! };
    // SUBSCRIPTIONS_MAX is 10,000 by default: raised only for a larger run.
    const serviceEnv = {
      ...sandboxEnv,
      SHUTDOWN_DRAIN_MS: '0',
      ...(SUBSCRIBERS > 10_000 ? { SUBSCRIPTIONS_MAX: String(SUBSCRIBERS) } : {}),
    };
    if (HEAP_SNAPSHOTS || process.env.BENCH_PROFILE) mkdirSync(PROFILE_DIR, { recursive: true });
    const snapshotFlags = HEAP_SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${PROFILE_DIR}`] : [];
    // BENCH_PROFILE=1: a CPU profile of each service to bench/profile/, written when it stops.
    if (process.env.BENCH_PROFILE) snapshotFlags.push('--cpu-prof', '--cpu-prof-dir', PROFILE_DIR);
    // `npm start`'s flags with the heap bound raised (the probe keeps them as they are).
    const raised = [...startFlags().filter((flag) => !flag.startsWith('--max-old-space-size')), `--max-old-space-size=${HEAP_MB}`];
    const start = (env: Record<string, string>, flags = raised) => startBuiltService(env, { nodeFlags: [...flags, ...snapshotFlags] });
    const only = process.env.BENCH_ONLY?.split(',');
    const wanted = (name: string) => !only || only.includes(name);

    const cases = [];
    // The probe: all subscribers on one key with exactly `npm start`'s flags; does it stay up?
    if (wanted('start-flags')) {
      const service = await start(serviceEnv, startFlags());
      running.push(service);
      cases.push(await runCase(tools, { name: 'start-flags', flags: startFlags().join(' '), keys: 1, steps: 10, services: [service] }));
      await stopAll(running.splice(0));
    }
    // A key each at once makes every subscription wait for its own first read (MERCHANT_VENDOR_CONCURRENCY
    // at a time): the burst is a case of its own (a probe: it may not survive), then 1,000 at a time.
    for (const [name, keys, steps] of [
      ['one-key', 1, 1],
      ['ten-keys', 10, 1],
      ['key-each-burst', SUBSCRIBERS, 1],
      ['key-each', SUBSCRIBERS, 10],
    ] as const) {
      if (!wanted(name)) continue;
      const service = await start(serviceEnv);
      running.push(service);
      cases.push(await runCase(tools, { name, flags: raised.join(' '), keys, steps, services: [service] }));
      await stopAll(running.splice(0));
    }
    if (wanted('replicas')) {
      const postgres = await startPostgresServer({ persistent: false });
      try {
        const replicas = await Promise.all([0, 1].map(() => start({ ...serviceEnv, DATABASE_URL: postgres.url })));
        running.push(...replicas);
        cases.push(await runCase(tools, { name: 'replicas', flags: raised.join(' '), keys: 10, services: replicas }));
        await stopAll(running.splice(0));
      } finally {
        await postgres.remove();
      }
    }

    const measured = cases.filter((c) => 'change' in c);
    const byName = Object.fromEntries(measured.map((c) => [c.name, c]));
    const targets: Target[] = [];
    for (const c of cases) {
      if (!('crashed' in c) || c.name === 'start-flags') continue;
      targets.push([
        `${c.name}: ${SUBSCRIBERS} subscriptions on ${c.keys} key(s) at once (${c.flags})`,
        'stays up',
        `died (${c.crashed.exit}) with ${c.crashed.firstStatesBeforeCrash} first states sent`,
        false,
      ]);
    }
    const probe = cases.find((c) => c.name === 'start-flags');
    if (probe)
      targets.push([
        `${SUBSCRIBERS} idle subscriptions of one key with npm start's flags (${startFlags().join(' ')})`,
        'stays up',
        'crashed' in probe
          ? `died (${probe.crashed.exit}) with ${probe.crashed.firstStatesBeforeCrash} first states sent`
          : `up; RSS ${probe.perReplica[0]!.rssIdleSubscriptionsMb} MB, heap used ${probe.perReplica[0]!.heapUsedMb} MB`,
        !('crashed' in probe),
      ]);
    const oneKey = byName['one-key'];
    if (oneKey)
      targets.push([
        `${oneKey.subscribers} subscribers of one key: the last has the change after the callback's answer`,
        '≤ 1000 ms',
        `${oneKey.change.delayAfterAnswerMs.max} ms (p50 ${oneKey.change.delayAfterAnswerMs.p50}, p99 ${oneKey.change.delayAfterAnswerMs.p99})`,
        oneKey.change.delayAfterAnswerMs.max <= 1000 && oneKey.change.missing === 0,
      ]);
    for (const c of measured) {
      const perReplica = c.perReplica.map((r) => r.msgStatusReadsPerChange);
      targets.push([
        `${c.name}: vendor reads per change per replica (${c.keys} keys, ${c.replicas} replica${c.replicas > 1 ? 's' : ''})`,
        '1',
        `${perReplica.join(' + ')} (simulator: ${c.change.msgStatusReads} reads for ${c.keys} changes; ${c.subscribe.msgStatusReads} at subscribe)`,
        perReplica.every((r) => r === 1),
      ]);
    }
    for (const c of measured)
      targets.push([
        `${c.name}: RSS per idle subscription (after ${SETTLE_MS / 1000} s settling, no forced GC)`,
        '< 10 KB',
        `${c.rss.perSubscriptionKb} KB (${c.rss.per1000SubscriptionsMb} MB per 1,000)`,
        c.rss.perSubscriptionKb < 10,
      ]);
    for (const c of measured) {
      const d = c.change.delayAfterAnswerMs;
      targets.push([
        `${c.name}: change → every subscriber (${c.subscribersPerKey} per key; ${c.change.delivered} delivered, ${c.change.missing} missing)`,
        '',
        `p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms; CPU ${c.change.cpuPerEventUs} µs per event`,
        c.change.missing === 0 && c.change.wrongStates === 0,
      ]);
    }
    console.table(Object.fromEntries(targets.map(([name, target, value, met]) => [name, { value, target, met: met ? 'met' : 'NO' }])));
    const machine = { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version };
    console.log(`\nMachine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`);
    const results = {
      date: new Date().toISOString(),
      machine,
      settings: {
        subscribers: SUBSCRIBERS,
        sockets: SOCKETS,
        settleMs: SETTLE_MS,
        startFlags: startFlags(),
        heapMbOfTheCases: HEAP_MB,
        callbackConcurrency: CALLBACK_CONCURRENCY,
      },
      cases,
      targets: targets.map(([name, target, value, met]) => ({ name, target, value, met })),
    };
    writeFileSync(new URL('./subscriptions-results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await stopAll(running);
    for (const child of subscribers) child.kill();
    sandbox.kill();
  }
}

await main();

// `npm run bench:merchants`: what serving many merchants costs, as figures (issue 21). Each system
// in its own process against the constant-cost Feyin fake, loaded by autocannon from this one,
// alternated over BENCH_ROUNDS rounds; medians and ratios. Caller auth is on everywhere (a
// merchant comes from the token), so the systems differ only in how the merchant is chosen:
//   before merchants  the build of BENCH_BASELINE_ENTRY (e.g. release 1997fa7's dist/service.mjs), when given,
//                     twice: the second process is an A/A control, its ratio the noise of the run
//   default           this build, no MERCHANTS_FILE, a token without the merchant claim
//   1,000 merchants   this build, a file of 1,000 merchants, a token acting for one of them
//   …, no wait        the same with MERCHANT_VENDOR_CONCURRENCY=1024: what the fairness limit itself costs
// Then start → ready and RSS at rest with 0 and with 1,000 merchants (medians of BENCH_STARTS),
// token fetches before any call, and the reload of 1,000 merchants (in this process).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { loadConfig } from '../src/config.js';
import { DEFAULT_MERCHANT, merchantOf } from '../src/merchants/merchant.js';
import { Merchants } from '../src/merchants/merchants.js';
import { createLogger } from '../src/observability/logger.js';
import { startBuiltService, type BuiltService } from './built-service.js';
import { forkReady } from './fork-ready.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const CONNECTIONS = 50;
const MERCHANTS = 1000;
const SECRET = 'bench-only-hs256-secret-0123456789abcdef';
const BASELINE = process.env.BENCH_BASELINE_ENTRY;
const CANCEL = JSON.stringify({ query: 'mutation { cancelPrintMessage(msgNo: "BENCH-MSG-1") { cancelled } }' });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round(((sorted[middle - 1]! + sorted[middle]!) / 2) * 10) / 10;
};
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Math.round((Number(line.replace(/\D+/g, '')) / 1024) * 10) / 10;
};

async function token(merchant?: string): Promise<string> {
  const claims = { scope: 'printing:write vendors:read', ...(merchant ? { merchant } : {}) };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));
}

async function load(url: string, bearer: string, duration = DURATION_S) {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: CANCEL,
    connections: CONNECTIONS,
    duration,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** A MERCHANTS_FILE of `count` merchants, each with its own Feyin account at `feyin` (secrets as `${NAME}`). */
function merchantsFile(feyin: string, count: number): { file: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-merchants-'));
  const file = join(dir, 'merchants.json');
  const merchants: Record<string, unknown> = {};
  const env: Record<string, string> = {};
  for (let i = 0; i < count; i += 1) {
    env[`SHOP${i}_FEYIN_KEY`] = `feyin-key-${i}`;
    merchants[`shop-${i}`] = {
      feyin: { baseUrl: feyin, memberCode: `member-${i}`, apiKey: `\${SHOP${i}_FEYIN_KEY}` },
      lifepay: { apiKey: `lifepay-key-${i}`, login: `7999${String(i).padStart(7, '0')}` },
    };
  }
  writeFileSync(file, JSON.stringify(merchants, null, 2));
  return { file, env };
}

async function main() {
  const { child: feyinFake, url: feyin } = await forkReady('./feyin-fake.ts');
  const tokensIssued = () =>
    new Promise<number>((resolve) => {
      feyinFake.once('message', (message: { issued: number }) => resolve(message.issued));
      feyinFake.send({ type: 'feyin-tokens' });
    });
  const vendorEnv = {
    FEYIN_BASE_URL: feyin,
    FEYIN_MEMBER_CODE: 'bench-member',
    FEYIN_API_KEY: 'bench-key',
    AUTH_DISABLED: 'false',
    AUTH_JWT_SECRET: SECRET,
  };
  const many = merchantsFile(feyin, MERCHANTS);
  const manyEnv = { ...vendorEnv, ...many.env, MERCHANTS_FILE: many.file };

  // Start-up and memory at rest: alternating starts of each configuration.
  const starts: Record<string, { ms: number[]; rss: number[] }> = { none: { ms: [], rss: [] }, [MERCHANTS]: { ms: [], rss: [] } };
  let tokensBeforeAnyCall = -1;
  for (let i = 0; i < STARTS; i += 1) {
    for (const [name, env] of i % 2
      ? ([
          [String(MERCHANTS), manyEnv],
          ['none', vendorEnv],
        ] as const)
      : ([
          ['none', vendorEnv],
          [String(MERCHANTS), manyEnv],
        ] as const)) {
      const started = await startBuiltService(env);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      starts[name]!.ms.push(started.startToReadyMs);
      starts[name]!.rss.push(rssMb(started.child.pid!));
      if (name !== 'none' && tokensBeforeAnyCall < 0) tokensBeforeAnyCall = await tokensIssued();
      started.child.kill('SIGTERM');
      await new Promise((resolve) => started.child.once('exit', resolve));
    }
  }

  const systems: Record<string, { service: BuiltService; bearer: string }> = {};
  if (BASELINE) {
    systems['before merchants (baseline build)'] = {
      service: await startBuiltService(vendorEnv, { entry: BASELINE }),
      bearer: await token(),
    };
    // The same build once more, as a control: how far two identical systems differ here is the noise.
    systems['before merchants, a second process (A/A control)'] = {
      service: await startBuiltService(vendorEnv, { entry: BASELINE }),
      bearer: await token(),
    };
  }
  systems['default merchant (no file)'] = { service: await startBuiltService(vendorEnv), bearer: await token() };
  systems[`one of ${MERCHANTS} merchants`] = { service: await startBuiltService(manyEnv), bearer: await token('shop-17') };
  // The fairness limit's share: the same, with a per-merchant limit no call ever waits for.
  systems[`one of ${MERCHANTS}, MERCHANT_VENDOR_CONCURRENCY=1024`] = {
    service: await startBuiltService({ ...manyEnv, MERCHANT_VENDOR_CONCURRENCY: '1024' }),
    bearer: await token('shop-17'),
  };
  const names = Object.keys(systems);
  for (const name of names) await load(systems[name]!.service.url, systems[name]!.bearer, 2); // warm-up, first token fetch
  const runs: Record<string, Array<Awaited<ReturnType<typeof load>>>> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      runs[name]!.push(await load(systems[name]!.service.url, systems[name]!.bearer));
    }
    console.log(`round ${round + 1}/${ROUNDS} done`);
  }
  for (const { service } of Object.values(systems)) service.child.kill('SIGTERM');

  // Reload of the 1,000-merchant file, as SIGHUP does it (here, in this process): median of 10.
  const config = loadConfig({ ...manyEnv, VENDOR_MODE: 'live' });
  const logger = createLogger({ level: 'silent' });
  const registry = new Merchants({ defaultMerchant: merchantOf(DEFAULT_MERCHANT, config), source: config.merchants, logger });
  const reloads: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    writeFileSync(many.file, readFileSync(many.file, 'utf8') + ' '.repeat(i + 1)); // a change, so the set is swapped
    const started = performance.now();
    await registry.reload();
    reloads.push(Math.round((performance.now() - started) * 10) / 10);
  }

  const side = Object.fromEntries(
    names.map((name) => [
      name,
      {
        'req/s': median(runs[name]!.map((r) => r.requestsPerSecond)),
        'p50 ms': median(runs[name]!.map((r) => r.p50Ms)),
        'p99 ms': median(runs[name]!.map((r) => r.p99Ms)),
        errors: runs[name]!.reduce((sum, r) => sum + r.errors, 0),
      },
    ]),
  );
  const rps = (name: string) => side[name]!['req/s'];
  const reference = names[0]!;
  const startup = {
    none: { startToReadyMs: median(starts.none!.ms), rssMb: median(starts.none!.rss) },
    thousand: { startToReadyMs: median(starts[MERCHANTS]!.ms), rssMb: median(starts[MERCHANTS]!.rss) },
  };
  const results = {
    settings: {
      durationS: DURATION_S,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      starts: STARTS,
      merchants: MERCHANTS,
      baseline: BASELINE ?? null,
    },
    cancelPath: side,
    ratios: Object.fromEntries(names.slice(1).map((name) => [`${name} vs ${reference}`, ratio(rps(name), rps(reference))])),
    // Within a round the systems ran minutes apart at most: the median of per-round ratios is the steadier figure.
    pairedRatios: Object.fromEntries(
      names
        .slice(1)
        .map((name) => [
          `${name} vs ${reference}`,
          median(runs[name]!.map((run, round) => ratio(run.requestsPerSecond, runs[reference]![round]!.requestsPerSecond))),
        ]),
    ),
    startup,
    startupDelta: {
      ms: Math.round(startup.thousand.startToReadyMs - startup.none.startToReadyMs),
      rssMb: Math.round((startup.thousand.rssMb - startup.none.rssMb) * 10) / 10,
    },
    tokenFetchesAtStartWith1000: tokensBeforeAnyCall,
    reloadMs: { median: median(reloads), all: reloads },
  };
  console.log(`${ROUNDS} alternating rounds of ${DURATION_S} s, ${CONNECTIONS} connections, caller auth on; medians`);
  console.table(side);
  console.table(
    Object.fromEntries(
      Object.keys(results.ratios).map((key) => [
        key,
        { 'ratio of medians': results.ratios[key], 'median of per-round ratios': results.pairedRatios[key] },
      ]),
    ),
  );
  console.table({ ...startup, delta: { startToReadyMs: results.startupDelta.ms, rssMb: results.startupDelta.rssMb } });
  console.log(`token fetches after starting with ${MERCHANTS} merchants, before any call: ${tokensBeforeAnyCall}`);
  console.log(`reload of ${MERCHANTS} merchants: median ${results.reloadMs.median} ms`);
  writeFileSync(new URL('./merchants-results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log('written: bench/merchants-results.json');
  feyinFake.kill();
}

await main();

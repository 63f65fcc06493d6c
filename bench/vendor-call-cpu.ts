// `tsx bench/vendor-call-cpu.ts`: CPU per call of the service's vendor client on the undici
// transport beside a bare `undici.request`, alternating, for cutting the vendor layer's cost.
import { request } from 'undici';
import { createVendorHttp } from '../src/vendor-http/vendor-http.js';
import { createLogger } from '../src/observability/logger.js';
import { ServiceMetrics } from '../src/observability/metrics.js';
import { VendorTransports } from '../src/vendor-http/vendor-transport.js';
import { forkReady } from './fork-ready.js';
import { cpuPerCall, median } from './cpu-per-call.js';

const CALLS = Number(process.env.BENCH_TRANSPORT_CALLS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IN_FLIGHT = 20;

const { child, url: feyin } = await forkReady('./feyin-fake.ts');
const transports = new VendorTransports({ connections: 64, pipelining: 1, keepAliveMs: 60_000, connectTimeoutMs: 10_000 });
const { Agent } = await import('undici');
const agent = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
const path = '/msg/BENCH-MSG-1/cancel';
const token = { access_token: 'bench-feyin-token' };
const withQuery = `${feyin}${path}?${new URLSearchParams(token)}`;
const vendorHttp = createVendorHttp({
  vendor: 'FEYIN',
  baseUrl: feyin,
  timeoutMs: 10_000,
  maxBodyBytes: 1 << 20,
  logger: createLogger({ level: 'info' }),
  metrics: new ServiceMetrics(),
  fetch: transports.fetchFor('FEYIN'),
});

const variants: Record<string, () => Promise<unknown>> = {
  'undici.request': async () => (await request(withQuery, { method: 'POST', dispatcher: agent })).body.text(),
  createVendorHttp: () => vendorHttp({ method: 'POST', path, searchParams: token, operation: 'msg.cancel', json: { a: 1 } }),
};

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (const call of Object.values(variants)) await cpuPerCall(call, 3_000, IN_FLIGHT);
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, call] of Object.entries(variants)) samples[name]!.push(await cpuPerCall(call, CALLS, IN_FLIGHT));
}
const base = median(samples['undici.request']!);
for (const [name, values] of Object.entries(samples)) {
  console.log(`${name}: ${Math.round(median(values))} µs/call, ${Math.round(median(values) - base)} µs above undici.request`);
}
await Promise.all([transports.close(), agent.close()]);
child.kill();

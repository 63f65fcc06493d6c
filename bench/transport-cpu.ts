// `npm run bench:transport`: CPU per vendor call in this process (the fake Feyin runs in its
// own), for the ways the service could make the same Feyin cancel: fetch or undici.request
// bare, ky on either, with ky's `searchParams` or the query string already in the URL, and
// the service's whole `createVendorHttp` with and without the undici transport.
import ky, { type Options } from 'ky';
import { request } from 'undici';
import { createVendorHttp } from '../src/vendor-http/vendor-http.js';
import { createLogger } from '../src/observability/logger.js';
import { VendorTransports, type VendorFetch } from '../src/vendor-http/vendor-transport.js';
import { forkReady } from './fork-ready.js';
import { cpuPerCall, median } from './cpu-per-call.js';

const CALLS = Number(process.env.BENCH_TRANSPORT_CALLS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IN_FLIGHT = 20;

const { child, url: feyin } = await forkReady('./feyin-fake.ts');
const transports = new VendorTransports({ connections: 64, pipelining: 1, keepAliveMs: 60_000, connectTimeoutMs: 10_000 });
const vendorFetch = transports.fetchFor('FEYIN');
const undiciFetch = vendorFetch as typeof fetch;
const { Agent } = await import('undici');
const agent = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
const path = '/msg/BENCH-MSG-1/cancel';
const token = { access_token: 'bench-feyin-token' };
const withQuery = `${feyin}${path}?${new URLSearchParams(token)}`;
const kyOptions = { method: 'post', timeout: false, retry: 0, throwHttpErrors: false, redirect: 'manual' } as const;
const vendorHttp = (transport?: VendorFetch) =>
  createVendorHttp({
    vendor: 'FEYIN',
    baseUrl: feyin,
    timeoutMs: 10_000,
    maxBodyBytes: 1 << 20,
    logger: createLogger({ level: 'silent' }),
    fetch: transport,
  });
const [serviceOnFetch, serviceOnUndici] = [vendorHttp(), vendorHttp(vendorFetch)];

const variants: Record<string, () => Promise<unknown>> = {
  'global fetch': async () => (await fetch(withQuery, { method: 'POST' })).text(),
  'undici.request, keep-alive Agent': async () => (await request(withQuery, { method: 'POST', dispatcher: agent })).body.text(),
  'ky + fetch, searchParams': async () => (await ky(`${feyin}${path}`, { ...kyOptions, searchParams: token })).text(),
  'ky + fetch, query in URL': async () => (await ky(withQuery, kyOptions)).text(),
  'ky + undici transport, searchParams': async () =>
    (await ky(`${feyin}${path}`, { ...kyOptions, searchParams: token, fetch: undiciFetch })).text(),
  'ky + undici transport, query in URL': async () => (await ky(withQuery, { ...kyOptions, fetch: undiciFetch })).text(),
  'ky + undici transport, query in URL, signal': async () =>
    (await ky(withQuery, { ...kyOptions, fetch: undiciFetch, signal: new AbortController().signal })).text(),
  'ky + undici transport, query in URL, deadline option': async () =>
    (await ky(withQuery, { ...kyOptions, fetch: undiciFetch, deadline: new AbortController().signal } as Options)).text(),
  'createVendorHttp on global fetch': () => serviceOnFetch({ method: 'POST', path, searchParams: token }),
  'createVendorHttp on the undici transport': () => serviceOnUndici({ method: 'POST', path, searchParams: token }),
};

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (const call of Object.values(variants)) await cpuPerCall(call, 2_000, IN_FLIGHT); // warm-up: JIT and sockets
for (let round = 0; round < ROUNDS; round += 1) {
  // Rotated order each round, so that no variant always runs first or after the same one.
  const names = Object.keys(variants);
  for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
    samples[name]!.push(await cpuPerCall(variants[name]!, CALLS, IN_FLIGHT));
  }
}
const baseline = median(samples['global fetch']!);
console.table(
  Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [
      name,
      { 'µs CPU per call (median)': Math.round(median(values)), 'vs global fetch': Math.round((median(values) / baseline) * 100) / 100 },
    ]),
  ),
);
console.log(`${ROUNDS} rounds of ${CALLS} calls, ${IN_FLIGHT} in flight; the fake Feyin in its own process`);
await Promise.all([transports.close(), agent.close()]);
child.kill();

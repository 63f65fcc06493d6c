import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/errors/errors.js';
import { ServiceMetrics } from '../../src/observability/metrics.js';
import { VendorCallSlots } from '../../src/vendor-http/call-slots.js';
import {
  createVendorHttp,
  vendorHttpFactory,
  VendorResponseError,
  VendorUnreachableError,
  type VendorHttpOptions,
} from '../../src/vendor-http/vendor-http.js';
import { VendorTransports } from '../../src/vendor-http/vendor-transport.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';

/**
 * Issue 21: one merchant's flood cannot take every vendor socket. At most `limit` calls per
 * merchant and vendor reach the vendor at once; the rest wait within their own deadline.
 * Real HTTP on 127.0.0.1; the vendor holds `/hold…` requests until the test answers them.
 */

const DEADLINE_MS = 500;
/** Timers, the event loop on a shared machine: a call ends within its deadline plus this. */
const SLACK_MS = 400;
/** How long a call that should stay queued is watched for not arriving. */
const WATCH_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const answerOk = (res: ServerResponse): void => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}');

type Answer = (path: string, res: ServerResponse) => 'hold' | void;

const holdOrOk: Answer = (path, res) => (path.startsWith('/hold') ? 'hold' : answerOk(res));

const servers: Server[] = [];
const transports: VendorTransports[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A vendor that counts the requests it has open at once and keeps the ones `answer` holds. */
async function vendor(answer: Answer = holdOrOk) {
  const seen: string[] = [];
  const held: ServerResponse[] = [];
  let open = 0;
  let peak = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://vendor').pathname;
    seen.push(path);
    open += 1;
    peak = Math.max(peak, open);
    res.on('close', () => (open -= 1));
    req.resume();
    if (answer(path, res) === 'hold') held.push(res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    held,
    open: () => open,
    peak: () => peak,
    /** Answers the oldest held request. */
    answerOne: () => answerOk(held.shift()!),
    answerAll: () => held.splice(0).forEach(answerOk),
  };
}

/** The vendor's keep-alive pool, wide enough that only the slots limit calls here. */
function pool() {
  const transport = new VendorTransports({ connections: 16, pipelining: 1, keepAliveMs: 1000, connectTimeoutMs: DEADLINE_MS });
  transports.push(transport);
  return transport.fetchFor('FEYIN');
}

function client(baseUrl: string, slots: VendorCallSlots, options: Partial<VendorHttpOptions> = {}) {
  return createVendorHttp({
    vendor: 'FEYIN',
    baseUrl,
    timeoutMs: DEADLINE_MS,
    maxBodyBytes: 1024 * 1024,
    logger: new LogCapture('silent').logger,
    fetch: pool(),
    slots,
    ...options,
  });
}

/** The call's rejection, for checks on it (or undefined when it succeeded). */
const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

function expectUnavailable(error: unknown, cause: { new (...args: never[]): Error }, reason: string) {
  expect(error).toBeInstanceOf(VendorError);
  expect(error).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'FEYIN', retryable: true });
  expect((error as VendorError).cause).toBeInstanceOf(cause);
  expect((error as VendorError).cause).toMatchObject({ reason });
}

describe('vendor call slots: at most `limit` calls of one merchant reach a vendor at once', () => {
  it('with limit 2, a third call reaches the vendor only when one of the first two ends', async () => {
    const feyin = await vendor();
    const slots = new VendorCallSlots(2);
    const http = client(feyin.url, slots, { timeoutMs: 5000 });
    const calls = ['/hold-1', '/hold-2', '/hold-3'].map((path) => http({ method: 'POST', path }));
    await eventually(() => feyin.seen.length === 2, { what: 'two calls at the vendor' });
    await sleep(WATCH_MS);
    expect(feyin.seen).toEqual(['/hold-1', '/hold-2']);
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 2, queued: 1 });

    feyin.answerOne();
    await expect(calls[0]).resolves.toEqual({ status: 200, body: { errcode: 0 } });
    await eventually(() => feyin.seen.length === 3, { what: 'the third call at the vendor' });
    expect(feyin.seen[2]).toBe('/hold-3');
    feyin.answerAll();
    await Promise.all(calls);
    expect(feyin.peak()).toBe(2);
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 0, queued: 0 });
  });

  it('one merchant’s stuck calls do not delay another merchant’s call to the same vendor', async () => {
    const feyin = await vendor();
    const transport = pool();
    const [shopA, shopB] = [new VendorCallSlots(2), new VendorCallSlots(2)];
    const a = client(feyin.url, shopA, { timeoutMs: 5000, fetch: transport });
    const b = client(feyin.url, shopB, { fetch: transport });
    const stuck = [1, 2, 3].map((n) => a({ method: 'POST', path: `/hold-${n}` }));
    await eventually(() => feyin.seen.length === 2, { what: 'shop A’s calls at the vendor' });
    expect(shopA.queued).toBe(1);

    // Shop A's calls stay held until answered below, and B's deadline is DEADLINE_MS: B answers only if it did not wait for them.
    const answers = await Promise.all([b({ method: 'GET', path: '/quick-1' }), b({ method: 'GET', path: '/quick-2' })]);
    expect(answers).toEqual([
      { status: 200, body: { errcode: 0 } },
      { status: 200, body: { errcode: 0 } },
    ]);
    expect({ inFlight: shopA.inFlight, queued: shopA.queued }).toEqual({ inFlight: 2, queued: 1 });
    expect(shopB.inFlight).toBe(0);

    feyin.answerAll();
    await eventually(() => feyin.held.length === 1, { what: 'shop A’s third call at the vendor' });
    feyin.answerAll();
    await Promise.all(stuck);
  });

  it('a call whose deadline passes while queued is VENDOR_UNAVAILABLE at the deadline and never reaches the vendor', async () => {
    const feyin = await vendor();
    const slots = new VendorCallSlots(1);
    const log = new LogCapture('debug');
    const metrics = new ServiceMetrics();
    const holder = client(feyin.url, slots, { timeoutMs: 5000 });
    const queued = client(feyin.url, slots, { logger: log.logger, metrics });
    const held = holder({ method: 'POST', path: '/hold' });
    await eventually(() => feyin.seen.length === 1, { what: 'the first call at the vendor' });

    const started = performance.now();
    const error = await failure(queued({ method: 'POST', path: '/msg/M1/cancel', operation: 'msg.cancel' }));
    const elapsed = performance.now() - started;
    expectUnavailable(error, VendorUnreachableError, 'timeout');
    expect((error as VendorError).message).toBe('FEYIN is unavailable: the vendor did not answer in time');
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(elapsed).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 1, queued: 0 });

    // Logged and counted as the timeout it is to the caller, marked as spent in the line.
    expect(log.records()).toEqual([
      expect.objectContaining({ msg: 'vendor call', vendor: 'FEYIN', path: '/msg/M1/cancel', status: 'timeout', queued: true }),
    ]);
    const counted = (await metrics.vendorCalls.get()).values;
    expect(counted).toEqual([
      expect.objectContaining({ labels: { vendor: 'FEYIN', operation: 'msg.cancel', outcome: 'VENDOR_UNAVAILABLE' }, value: 1 }),
    ]);

    feyin.answerAll();
    await held;
    await sleep(WATCH_MS);
    expect(feyin.seen).toEqual(['/hold']);
    expect(slots.inFlight).toBe(0);
  });

  it('holds the slot until the body is read, not just the headers', async () => {
    let drip: ServerResponse | undefined;
    const feyin = await vendor((path, res) => {
      if (path !== '/drip') return answerOk(res);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '13' });
      res.write('{"errcode"');
      drip = res;
    });
    const slots = new VendorCallSlots(1);
    const http = client(feyin.url, slots, { timeoutMs: 5000 });
    const first = http({ method: 'GET', path: '/drip' });
    const second = http({ method: 'GET', path: '/after' });
    const dripping = await eventually(() => drip, { what: 'the headers sent' });
    await sleep(WATCH_MS);
    expect(feyin.seen).toEqual(['/drip']);
    dripping.end(':0}');
    await expect(first).resolves.toEqual({ status: 200, body: { errcode: 0 } });
    await expect(second).resolves.toEqual({ status: 200, body: { errcode: 0 } });
    expect(feyin.seen).toEqual(['/drip', '/after']);
  });

  it('frees the slot after every kind of failed answer: no slot leaks', async () => {
    const feyin = await vendor((path, res) => {
      const send = (status: number, body: string, headers: Record<string, string> = {}): void =>
        void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
      switch (path) {
        case '/status-503':
          return send(503, '{}');
        case '/redirect':
          return send(302, '', { location: 'https://elsewhere.example/x?token=t' });
        case '/garbage':
          return send(200, '<html>');
        case '/too-large':
          return send(200, JSON.stringify({ pad: 'x'.repeat(4096) }));
        case '/cut':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"errcode":');
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        case '/silent':
          return 'hold';
        default:
          return answerOk(res);
      }
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise((resolve) => closed.close(resolve));

    const slots = new VendorCallSlots(1);
    const http = client(feyin.url, slots, { maxBodyBytes: 1024 });
    const failures: Array<[string, { new (...args: never[]): Error }, string]> = [
      ['/status-503', VendorResponseError, 'status'],
      ['/redirect', VendorResponseError, 'redirect'],
      ['/garbage', VendorResponseError, 'body'],
      ['/too-large', VendorResponseError, 'too-large'],
      ['/cut', VendorUnreachableError, 'interrupted'],
      ['/silent', VendorUnreachableError, 'timeout'],
    ];
    for (const [path, cause, reason] of failures) {
      expectUnavailable(await failure(http({ method: 'GET', path })), cause, reason);
      expect({ path, inFlight: slots.inFlight, queued: slots.queued }).toEqual({ path, inFlight: 0, queued: 0 });
    }
    const unreachable = client(closedUrl, slots);
    expectUnavailable(await failure(unreachable({ method: 'GET', path: '/any' })), VendorUnreachableError, 'network');
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 0, queued: 0 });

    // The one slot still serves calls, one at a time.
    const answers = await Promise.all([1, 2, 3].map((n) => http({ method: 'GET', path: `/ok-${n}` })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(feyin.peak()).toBe(1);
    expect(slots.inFlight).toBe(0);
  });

  it('vendorHttpFactory passes a merchant’s slots to the vendor’s http', async () => {
    const feyin = await vendor();
    const transport = new VendorTransports({ connections: 16, pipelining: 1, keepAliveMs: 1000, connectTimeoutMs: DEADLINE_MS });
    transports.push(transport);
    const factory = vendorHttpFactory({
      timeoutMs: 5000,
      maxBodyBytes: 1024 * 1024,
      logger: new LogCapture('silent').logger,
      transports: transport,
    });
    const slots = new VendorCallSlots(1);
    const http = factory('FEYIN', feyin.url, { slots });
    const calls = [http({ method: 'POST', path: '/hold-1' }), http({ method: 'POST', path: '/hold-2' })];
    await eventually(() => feyin.seen.length === 1, { what: 'the first call at the vendor' });
    await sleep(WATCH_MS);
    expect(feyin.seen).toEqual(['/hold-1']);
    expect(slots.queued).toBe(1);
    feyin.answerAll();
    await eventually(() => feyin.held.length === 1, { what: 'the second call at the vendor' });
    feyin.answerAll();
    await Promise.all(calls);
    expect(slots.inFlight).toBe(0);
  });
});

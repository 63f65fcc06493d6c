import { createServer as createHttpServer } from 'node:http';
import { createServer, type LookupFunction, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../src/errors/errors.js';
import { createVendorHttp, VendorUnreachableError } from '../../src/vendor-http/vendor-http.js';
import { VendorTransports, type VendorTransportOptions } from '../../src/vendor-http/vendor-transport.js';
import { LogCapture } from '../helpers/log-capture.js';

/**
 * Issue 19 item 2: one deadline (VENDOR_TIMEOUT_MS) ends a vendor call in VENDOR_UNAVAILABLE
 * whatever stage it is in: name lookup, connecting, waiting for the headers, reading the body.
 * Real sockets on 127.0.0.1 only; names are resolved by an injected lookup, never by DNS.
 */

const DEADLINE_MS = 500;
/** Timers, the event loop on a shared machine: the call ends within the deadline plus this. */
const SLACK_MS = 400;

/** A name lookup that never answers, as a DNS server that drops every query. */
const neverAnswers: LookupFunction = () => undefined;

/** A name lookup that answers 127.0.0.1 after `ms`. */
const answersAfter =
  (ms: number): LookupFunction =>
  (_hostname, options, callback) => {
    const all = typeof options === 'object' && options.all;
    setTimeout(() => (all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)), ms);
  };

const servers: Array<{ server: Server; sockets: Socket[] }> = [];
const transports: VendorTransports[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  for (const { server, sockets } of servers.splice(0)) {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
  }
});

/** `server` listening on 127.0.0.1, with the sockets it accepted (cut after each test). */
async function listen(server: Server): Promise<{ port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, sockets };
}

function vendorClient(baseUrl: string, transport: Partial<VendorTransportOptions> = {}) {
  const pool = new VendorTransports({ connections: 4, pipelining: 1, keepAliveMs: 1000, connectTimeoutMs: DEADLINE_MS, ...transport });
  transports.push(pool);
  return createVendorHttp({
    vendor: 'FEYIN',
    baseUrl,
    timeoutMs: DEADLINE_MS,
    maxBodyBytes: 1024 * 1024,
    logger: new LogCapture('silent').logger,
    fetch: pool.fetchFor('FEYIN'),
  });
}

/** Runs the call; it must fail as VENDOR_UNAVAILABLE "did not answer in time" within the deadline plus slack. */
async function expectTimeout(call: Promise<unknown>): Promise<number> {
  const started = performance.now();
  const error = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  const elapsed = performance.now() - started;
  expect(error).toBeInstanceOf(VendorError);
  expect(error).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'FEYIN', retryable: true });
  expect((error as VendorError).cause).toBeInstanceOf(VendorUnreachableError);
  expect((error as VendorError).cause).toMatchObject({ reason: 'timeout' });
  expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
  expect(elapsed).toBeLessThan(DEADLINE_MS + SLACK_MS);
  return elapsed;
}

describe('one deadline over every stage of a vendor call', () => {
  it('a name lookup that never answers: the call ends at the deadline, not at undici’s 10 s connect timeout', async () => {
    const http = vendorClient('http://vendor.invalid:1', { lookup: neverAnswers });
    await expectTimeout(http({ method: 'GET', path: '/token' }));
    // Calls after it are not held by the attempt either.
    await Promise.all([1, 2, 3].map(() => expectTimeout(http({ method: 'POST', path: '/msg/M1/cancel' }))));
  });

  it('drops a connection attempt with its call: a lookup answering after the deadline opens no socket', async () => {
    const { port, sockets } = await listen(createServer());
    const http = vendorClient(`http://vendor.invalid:${port}`, { lookup: answersAfter(DEADLINE_MS * 3) });
    await expectTimeout(http({ method: 'GET', path: '/token' }));
    // undici's connect timeout fires on its own coarse clock (up to ~0.5 s late); the lookup answers after that.
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS * 3 + 200));
    expect(sockets).toHaveLength(0);
  });

  it('a server that accepts the connection and never reads or answers anything', async () => {
    const { port, sockets } = await listen(createServer());
    const http = vendorClient(`http://127.0.0.1:${port}`);
    await expectTimeout(http({ method: 'POST', path: '/msg/M1/cancel', json: { a: 1 } }));
    expect(sockets).toHaveLength(1);
  });

  it('a server that sends the headers and half the body, then nothing', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '40' });
      res.write('{"errcode":0,"err');
    });
    const { port } = await listen(server);
    await expectTimeout(vendorClient(`http://127.0.0.1:${port}`)({ method: 'GET', path: '/msg/M1/status' }));
  });

  it('a call queued behind a busy socket ends at its own deadline', async () => {
    const { port } = await listen(createServer());
    const http = vendorClient(`http://127.0.0.1:${port}`, { connections: 1 });
    const first = expectTimeout(http({ method: 'GET', path: '/first' }));
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS / 2));
    await expectTimeout(http({ method: 'GET', path: '/queued' }));
    await first;
  });
});

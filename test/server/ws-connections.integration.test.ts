import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FEYIN_SEED } from '../../src/sandbox/index.js';
import { eventually } from '../helpers/eventually.js';
import { clientTextFrame, rawUpgrade } from '../helpers/raw-websocket.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { subscriber, type Subscriber } from '../helpers/subscriber.js';

const MESSAGE_UPDATED = 'subscription($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status } }';

/** One sample of /metrics, by its full series name (`name{labels}`). */
async function sample(t: TestService, series: string): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

const sockets = (t: TestService) =>
  Promise.all([sample(t, 'graphql_ws_connections{state="pending"}'), sample(t, 'graphql_ws_connections{state="initialised"}')]);

/** A `ws` client speaking graphql-transport-ws that sends nothing: resolves with its close code and when it came. */
function silentClient(t: TestService): Promise<{ code: number; afterMs: number }> {
  const started = performance.now();
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('close', (code) => resolve({ code, afterMs: performance.now() - started }));
  });
}

describe('graphql-ws timers: WS_INIT_TIMEOUT_MS and WS_KEEPALIVE_MS', () => {
  let t: TestService;
  const clients: Subscriber[] = [];
  const raw: Socket[] = [];
  beforeAll(async () => {
    t = await startTestService({ env: { WS_INIT_TIMEOUT_MS: '400', WS_KEEPALIVE_MS: '300' } });
  });
  afterEach(async () => {
    for (const made of clients.splice(0)) await made.dispose();
    for (const socket of raw.splice(0)) socket.destroy();
  });
  afterAll(() => t.stop());

  it('closes a socket that sends no connection_init with 4408 after WS_INIT_TIMEOUT_MS', async () => {
    const { code, afterMs } = await silentClient(t);
    expect(code).toBe(4408);
    expect(afterMs).toBeGreaterThanOrEqual(350);
    expect(afterMs).toBeLessThan(2_000);
  });

  it('a client that answers pings stays connected across several WS_KEEPALIVE_MS', async () => {
    const made = subscriber(t.url);
    clients.push(made);
    const sub = made.subscribe(MESSAGE_UPDATED, { m: FEYIN_SEED.queuedMessages[0] });
    await eventually(() => sub.events.length === 1, { what: 'the first event' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await sockets(t)).toEqual([0, 1]);
    expect(await sample(t, 'graphql_subscriptions_open{transport="graphql-ws"}')).toBe(1);
  });

  it('closes a client that vanished (never answers a ping) within 2 × WS_KEEPALIVE_MS and frees its subscriptions', async () => {
    const made = subscriber(t.url);
    clients.push(made);
    const subs = [0, 1].map((i) => made.subscribe(MESSAGE_UPDATED, { m: FEYIN_SEED.queuedMessages[i] }));
    await eventually(() => subs.every((sub) => sub.events.length === 1), { what: 'both first events' });
    expect(await sample(t, 'graphql_subscriptions_open{transport="graphql-ws"}')).toBe(2);
    const endedBefore = await sample(t, 'graphql_operations_total{operation="anonymous",outcome="OK",transport="ws"}');

    // The client stops reading: the server's pings pile up unanswered, its TCP connection stays open.
    const socket = await made.socket;
    const vanished = performance.now();
    socket.pause();
    await eventually(async () => (await sample(t, 'graphql_subscriptions_open{transport="graphql-ws"}')) === 0, {
      what: 'the subscriptions freed',
      intervalMs: 20,
    });
    expect(performance.now() - vanished).toBeLessThan(2 * 300 + 400);
    expect(await sockets(t)).toEqual([0, 0]);
    expect(t.service.server.subscriptions?.size).toBe(0);
    // Each subscription ended as an operation.
    expect(await sample(t, 'graphql_operations_total{operation="anonymous",outcome="OK",transport="ws"}')).toBe(
      (Number.isNaN(endedBefore) ? 0 : endedBefore) + 2,
    );
  });
});

describe('a socket that never sends connection_init and never reads (pings far apart)', () => {
  let t: TestService;
  const raw: Socket[] = [];
  beforeAll(async () => {
    t = await startTestService({ env: { WS_INIT_TIMEOUT_MS: '400', WS_KEEPALIVE_MS: '60000' } });
  });
  afterAll(async () => {
    for (const socket of raw) socket.destroy();
    await t.stop();
  });

  it('drops a silent socket that does not even read the 4408 within WS_INIT_TIMEOUT_MS and a second, freeing its place', async () => {
    const started = performance.now();
    const upgrade = await rawUpgrade(t.url);
    raw.push(upgrade.socket);
    expect(upgrade.status).toBe(101);
    expect((await sockets(t))[0]).toBe(1);
    // Paused, it never reads the 4408 nor answers it: ws alone would keep the socket 30 s more.
    await eventually(async () => (await sockets(t))[0] === 0, { what: 'no pending socket', timeoutMs: 400 + 1_000 + 1_000 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
  });
});

describe('WS_CONNECTIONS_MAX: open sockets per replica, a quarter of them pending', () => {
  let t: TestService;
  const raw: Socket[] = [];
  /** A socket that sends `connection_init` and is acknowledged; nothing else. */
  const initialised = async () => {
    const upgrade = await rawUpgrade(t.url);
    raw.push(upgrade.socket);
    expect(upgrade.status).toBe(101);
    upgrade.socket.write(clientTextFrame(JSON.stringify({ type: 'connection_init' })));
    return upgrade;
  };
  const pending = async () => {
    const upgrade = await rawUpgrade(t.url);
    raw.push(upgrade.socket);
    return upgrade;
  };
  beforeAll(async () => {
    // 8 sockets, 2 of them pending; timers long enough not to interfere.
    t = await startTestService({ env: { WS_CONNECTIONS_MAX: '8', WS_INIT_TIMEOUT_MS: '30000' } });
  });
  afterAll(async () => {
    for (const socket of raw) socket.destroy();
    await t.stop();
  });

  it('refuses sockets past the pending share, then past the total, with 503, Retry-After and the security headers', async () => {
    expect(await sample(t, 'graphql_ws_connections_max')).toBe(8);
    const first = await pending();
    expect(first.status).toBe(101);
    expect((await pending()).status).toBe(101);
    await eventually(async () => (await sockets(t))[0] === 2, { what: 'two pending' });
    // Every socket starts pending: while the share is full, no new one opens.
    const overShare = await pending();
    expect(overShare.status).toBe(503);
    expect(overShare.headers['retry-after']).toBe('5');
    expect(overShare.headers['x-content-type-options']).toBe('nosniff');
    expect(await sample(t, 'graphql_ws_connections_refused_total{reason="pending_max"}')).toBe(1);

    // One pending socket gone: clients that send connection_init fill the rest, one at a time.
    first.socket.destroy();
    await eventually(async () => (await sockets(t))[0] === 1, { what: 'one pending' });
    for (let i = 1; i <= 6; i++) {
      await initialised();
      await eventually(async () => (await sockets(t)).join() === `1,${i}`, { what: `${i} initialised` });
    }
    expect((await pending()).status).toBe(101);
    const refused = await rawUpgrade(t.url);
    raw.push(refused.socket);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(await sample(t, 'graphql_ws_connections_refused_total{reason="connections_max"}')).toBe(1);
    expect(await sockets(t)).toEqual([2, 6]);

    // The replica serves HTTP as before.
    expect((await fetch(`${t.url}/ready`)).status).toBe(200);
    expect((await t.gql('query { printer(deviceNo: "4600000000000001") { deviceNo } }')).status).toBe(200);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { heapSizedConnections } from '../../src/config.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { rawUpgrade, type RawUpgrade } from '../helpers/raw-websocket.js';

/** The image's start command's heap flags (Dockerfile CMD). */
const START_COMMAND_HEAP = '--max-old-space-size=128 --max-semi-space-size=16';
/** deploy/kubernetes/deployment.yaml: resources.limits.memory. */
const MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;
const QUERY = 'query { printer(deviceNo: "4600000000000001") { deviceNo status } }';

/** This process's open-file limit: every socket of the flood is a descriptor here and one in the service. */
function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}

function rssBytes(child: ChildService): number {
  const status = readFileSync(`/proc/${child.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function metric(child: ChildService, series: string): Promise<number> {
  const text = await (await fetch(`${child.url}/metrics`, { headers: { connection: 'close' } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

/** `count` WebSocket upgrades that never send `connection_init`, `parallel` at a time, as one client floods. */
async function floodUpgrades(child: ChildService, count: number, held: Socket[], parallel = 250): Promise<RawUpgrade[]> {
  const answers: RawUpgrade[] = [];
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, count - sent) }, () => rawUpgrade(child.url)));
    for (const answer of batch) held.push(answer.socket);
    answers.push(...batch);
  }
  return answers;
}

/** The replica still does its job: ready, and a query answered. */
async function stillServing(child: ChildService): Promise<void> {
  expect(child.child.exitCode).toBeNull();
  expect((await fetch(`${child.url}/ready`, { headers: { connection: 'close' } })).status).toBe(200);
  const response = await fetch(`${child.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ query: QUERY }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { data: { printer: { deviceNo: string } } }).data.printer.deviceNo).toBe('4600000000000001');
}

describe('a flood of connections from one client, against the real entry with the start command heap flags', () => {
  let child: ChildService | undefined;
  let dataDir: string | undefined;
  const held: Socket[] = [];

  const start = async (env: Record<string, string>) => {
    dataDir = mkdtempSync(join(tmpdir(), 'connection-flood-'));
    child = await spawnService({ NODE_OPTIONS: START_COMMAND_HEAP, DATA_DIR: dataDir, VENDOR_MODE: 'sandbox', ...env });
    return child;
  };
  afterEach(async () => {
    for (const socket of held.splice(0)) socket.destroy();
    await child?.stop();
    child = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('WS_CONNECTIONS_MAX=200: 2000 sockets without connection_init, 50 taken, the rest 503 with Retry-After; the replica serves on', async () => {
    const service = await start({ WS_CONNECTIONS_MAX: '200', WS_INIT_TIMEOUT_MS: '60000' });
    const answers = await floodUpgrades(service, 2_000, held);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 101)).toHaveLength(50);
    expect(statuses.filter((status) => status === 503)).toHaveLength(1_950);
    expect(answers.filter((answer) => answer.status === 503).every((answer) => answer.headers['retry-after'] === '5')).toBe(true);
    expect(await metric(service, 'graphql_ws_connections_refused_total{reason="pending_max"}')).toBe(1_950);
    expect(await metric(service, 'graphql_ws_connections{state="pending"}')).toBe(50);
    await stillServing(service);
    expect(rssBytes(service)).toBeLessThan(MEMORY_LIMIT_BYTES);
  }, 60_000);

  // Sized to the heap: 5600 sockets, 1400 pending, and 5600 more connections for plain HTTP.
  const wsMax = heapSizedConnections(176 * 1024 * 1024);
  const total = wsMax + wsMax;
  it.skipIf(openFileLimit() < total + 2_000)(
    `default sizing: ${wsMax / 4} sockets pending, then idle HTTP connections up to ${total} in all; the excess refused, the heap and RSS bounded`,
    async () => {
      // Long deadlines: nothing of the flood expires while it is counted.
      const service = await start({ WS_INIT_TIMEOUT_MS: '60000', HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '60000' });
      expect(await metric(service, 'graphql_ws_connections_max')).toBe(wsMax);
      expect(await metric(service, 'nodejs_heap_size_limit_bytes')).toBe(176 * 1024 * 1024);

      const answers = await floodUpgrades(service, wsMax / 4 + 600, held);
      expect(answers.filter((answer) => answer.status === 101)).toHaveLength(wsMax / 4);
      expect(answers.filter((answer) => answer.status === 503)).toHaveLength(600);
      await stillServing(service);

      // Idle TCP connections that never send a request, past the server's bound: node closes the excess at accept.
      const port = Number(new URL(service.url).port);
      let closedEarly = 0;
      const idle = total - wsMax / 4 + 500;
      for (let opened = 0; opened < idle; opened += 500) {
        await Promise.all(
          Array.from(
            { length: Math.min(500, idle - opened) },
            () =>
              new Promise<void>((resolve) => {
                const socket = connect({ host: '127.0.0.1', port }, () => resolve());
                socket.on('error', () => resolve());
                socket.once('close', () => closedEarly++);
                held.push(socket);
              }),
          ),
        );
      }
      // The service may take a moment to accept (and drop) the last ones.
      for (let i = 0; i < 50 && closedEarly < 500; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closedEarly).toBe(500);
      expect(rssBytes(service)).toBeLessThan(MEMORY_LIMIT_BYTES);
      expect(service.child.exitCode).toBeNull();

      // A few idle connections let go: the replica answers /ready, queries and /metrics again.
      const open = held.filter((socket) => !socket.destroyed && socket.readyState === 'open');
      for (const socket of open.slice(-100)) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await stillServing(service);
      expect(await metric(service, 'http_connections_refused_total')).toBeGreaterThanOrEqual(500);
      const heap = await metric(service, 'nodejs_heap_size_used_bytes');
      expect(heap).toBeLessThan(0.9 * 176 * 1024 * 1024);
      expect(rssBytes(service)).toBeLessThan(MEMORY_LIMIT_BYTES);
    },
    90_000,
  );
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PrintXReportDocument } from '../__generated__/graphql.js';
import { VendorDocuments } from '../../src/outbox/index.js';
import { LIFEPAY_SEED, LifepaySimulator, sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import type { SimulatedRequest, SimulatedResponse } from '../../src/sandbox/sandbox-http.js';
import { openStore, type Store } from '../../src/store/index.js';
import { lifepayBodiesFor } from '../helpers/lifepay-sent.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';

/** When each request for an ext_id reached LifePay and when its answer left. */
interface Visit {
  extId: string;
  start: number;
  end: number;
}

/**
 * Several real service processes on one PostgreSQL against one LifePay simulator: the outbox
 * is shared, so every attempt is sent by exactly one replica, a dead replica's attempt is taken
 * over after its lease, and a retry one replica scheduled is attempted on time by another.
 */
describe('the outbox across replicas (real processes, one PostgreSQL)', () => {
  let running: RunningSandbox;
  const visits: Visit[] = [];
  let database: TestDatabase;
  let store: Store;
  let dataDir: string;
  const children: ChildService[] = [];

  beforeAll(async () => {
    const lifepay = new LifepaySimulator({ callbackDelayMs: null });
    const answer = lifepay.handle.bind(lifepay);
    // A little vendor latency, timed, so two replicas sending one attempt would overlap visibly.
    Object.assign(lifepay, {
      handle: async (request: SimulatedRequest): Promise<SimulatedResponse> => {
        const start = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 20));
        const extId = (JSON.parse(request.body) as { ext_id?: string }).ext_id ?? '';
        const result = answer(request);
        visits.push({ extId, start, end: performance.now() });
        return result;
      },
    });
    running = await startSandbox({ simulators: { lifepay } });
  });
  afterAll(() => running.sandbox.close());
  afterEach(async () => {
    for (const child of children.splice(0)) await child.stop();
    running.sandbox.clearFaults();
    running.simulators.lifepay.answerUnavailable(0);
    await store?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const freshStore = async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-replicas-'));
    database = await freshDatabase();
    store = await openStore({ dataDir, databaseUrl: database.url, logger: new LogCapture().logger });
  };
  const replica = async (env: Record<string, string> = {}) => {
    const child = await spawnService({
      VENDOR_MODE: 'live',
      AUTH_DISABLED: 'true',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '4',
      VENDOR_TIMEOUT_MS: '1000',
      ...sandboxEnv(running),
      LIFEPAY_RETRY_SCHEDULE: '1',
      ...env,
    });
    children.push(child);
    return child;
  };
  const sent = (extId: string) => lifepayBodiesFor(running.sandbox, extId);
  const row = (extId: string) => new VendorDocuments(store, 'LIFEPAY', 'live').find('default', extId);
  const count = (child: ChildService, msg: string) =>
    child.output
      .join('')
      .split('\n')
      .filter((line) => line.includes(`"msg":"${msg}"`)).length;

  it('X-reports to a flaky register across 3 replicas all reach ACCEPTED; no attempt is sent twice or by two at once', async () => {
    await freshStore();
    // Polling every 20 s: the retries are driven by NOTIFY and by each worker's timer for the earliest due document.
    const replicas = await Promise.all([0, 1, 2].map(() => replica({ LIFEPAY_WORKER_POLL_MS: '20000' })));
    const extIds = Array.from({ length: 90 }, (_, i) => `x-replicas-${i}`);
    const answers = await Promise.all(
      extIds.map((extId, i) => replicas[i % 3]!.gql(PrintXReportDocument, { input: { extId, targetSerial: LIFEPAY_SEED.flakyRegister } })),
    );
    expect(answers.map((a) => a.data?.printXReport.document.status)).toEqual(extIds.map(() => 'RETRY_SCHEDULED'));

    const outbox = new VendorDocuments(store, 'LIFEPAY', 'live');
    await eventually(async () => (await outbox.countByStatus()).ACCEPTED === extIds.length, {
      timeoutMs: 30_000,
      what: 'every X-report ACCEPTED',
    });
    for (const extId of extIds) {
      // The flaky register answers 503 twice per ext_id: three attempts, each sent once.
      const mine = visits.filter((v) => v.extId === extId).sort((a, b) => a.start - b.start);
      expect(mine).toHaveLength(3);
      for (let i = 1; i < mine.length; i += 1) expect(mine[i]!.start).toBeGreaterThanOrEqual(mine[i - 1]!.end);
      expect(new Set(sent(extId)).size).toBe(1);
      expect(await row(extId)).toMatchObject({ status: 'ACCEPTED', attempts: 3, lease_owner: null });
      expect(running.simulators.lifepay.documentsWithExtId(extId)).toHaveLength(1);
    }
    const retried = replicas.map((child) => count(child, 'LifePay X-report retry scheduled'));
    const accepted = replicas.map((child) => count(child, 'LifePay X-report accepted after retries'));
    // Two retries scheduled per document (the first answer came from the request itself).
    expect(retried.reduce((a, b) => a + b)).toBe(2 * extIds.length);
    expect(accepted.reduce((a, b) => a + b)).toBe(extIds.length);
    console.info(`3 replicas: retries scheduled ${retried.join(' + ')}; accepted after retries ${accepted.join(' + ')}`);
  }, 90_000);

  it('a replica killed with SIGKILL while sending does not strand the document: another takes it after the lease', async () => {
    await freshStore();
    const replicas = await Promise.all([0, 1, 2].map(() => replica({ LIFEPAY_WORKER_POLL_MS: '200', LOG_LEVEL: 'debug' })));
    running.sandbox.inject('/lifepay', { kind: 'status', status: 503 });
    running.sandbox.inject('/lifepay', { kind: 'hang', ms: 30_000 });
    const answer = await replicas[0]!.gql(PrintXReportDocument, { input: { extId: 'x-replica-killed' } });
    expect(answer.data?.printXReport.document.status).toBe('RETRY_SCHEDULED');
    // Whichever replica claimed the retry is sending it, and it hangs: that replica holds the lease.
    const holder = await eventually(
      () =>
        replicas.find((child) => child.output.join('').includes('"extId":"x-replica-killed","attempt":2,"msg":"LifePay X-report retry')),
      { intervalMs: 5, what: 'the retry in flight' },
    );
    // The log line comes just before the request: kill only once LifePay has it (and hangs on it).
    await eventually(() => sent('x-replica-killed').length === 2, { intervalMs: 5, what: 'the retry at LifePay' });
    const held = await row('x-replica-killed');
    expect(held).toMatchObject({ status: 'SENDING', attempts: 2 });
    await holder.kill9();
    const others = replicas.filter((child) => child !== holder);

    await eventually(async () => (await row('x-replica-killed'))?.status === 'ACCEPTED', {
      timeoutMs: 15_000,
      what: 'the document ACCEPTED by another replica',
    });
    const done = await row('x-replica-killed');
    expect(done).toMatchObject({ attempts: 3, lease_owner: null });
    // Taken over only once the dead replica's lease had ended.
    expect(Date.parse(done!.updated_at)).toBeGreaterThanOrEqual(Date.parse(held!.lease_until!));
    expect(sent('x-replica-killed')).toHaveLength(3);
    expect(running.simulators.lifepay.documentsWithExtId('x-replica-killed')).toHaveLength(1);
    expect(others.map((child) => count(child, 'LifePay X-report accepted after retries')).sort()).toEqual([0, 1]);
  }, 60_000);

  it('a retry replica A scheduled is attempted by replica B at its due time after A is gone, long before B would poll', async () => {
    await freshStore();
    const slow = { LIFEPAY_WORKER_POLL_MS: '600000', LIFEPAY_RETRY_SCHEDULE: '2' };
    // B starts first: its one poll finds nothing open, so it would sleep for ten minutes.
    const b = await replica(slow);
    const a = await replica(slow);
    running.simulators.lifepay.answerUnavailable(1);
    const answer = await a.gql(PrintXReportDocument, { input: { extId: 'x-replica-notify' } });
    const document = answer.data?.printXReport.document;
    expect(document?.status).toBe('RETRY_SCHEDULED');
    await a.kill9();

    const dueAt = Date.parse(document!.nextAttemptAt!);
    await eventually(() => sent('x-replica-notify').length === 2, { timeoutMs: 15_000, intervalMs: 10, what: 'B attempts the retry' });
    const attemptedAt = Date.now();
    expect(attemptedAt).toBeGreaterThanOrEqual(dueAt);
    expect(attemptedAt - dueAt).toBeLessThan(3_000);
    await eventually(async () => (await row('x-replica-notify'))?.status === 'ACCEPTED', { what: 'ACCEPTED by B' });
    expect(count(b, 'LifePay X-report accepted after retries')).toBe(1);
  }, 60_000);
});

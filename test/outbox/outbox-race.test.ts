import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxWorker, VendorDocuments } from '../../src/outbox/index.js';
import { type Store, type VendorDocumentRow } from '../../src/store/index.js';
import { storesPerTest } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';

/** `count` LifePay documents, due at `dueAt`, as a backlog after an outage leaves them. */
async function insertDue(store: Store, count: number, dueAt: Date, prefix = 'race'): Promise<void> {
  const at = dueAt.toISOString();
  const rows = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    vendor: 'LIFEPAY',
    merchant: 'default',
    kind: 'X_REPORT',
    ext_id: `${prefix}-${i}`,
    target: null,
    request: '{}',
    test: 0,
    mode: 'live',
    status: 'RETRY_SCHEDULED' as const,
    attempts: 0,
    next_attempt_at: at,
    created_at: at,
    updated_at: at,
  }));
  await store.db.insertInto('vendor_documents').values(rows).execute();
}

const leaseFor = () => ({ owner: randomUUID(), until: new Date(Date.now() + 30_000) });

describe.each(['sqlite', 'postgres'] as const)('the outbox under concurrent workers (%s)', (dialect) => {
  const workers: Array<OutboxWorker<VendorDocumentRow>> = [];
  const logs = new LogCapture('warn');
  const { open } = storesPerTest(dialect, { logger: logs.logger });
  // Registered after the stores' own: after-hooks run in reverse, so workers stop before their stores close.
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop();
  });

  it('four workers on their own connections, 8 deliveries each, attempt 300 documents exactly once per due time', async () => {
    const documents = 300;
    const first = await open();
    await insertDue(first, documents, new Date());
    const inFlight = new Set<string>();
    const attempts = new Map<string, number[]>();
    const overlaps: string[] = [];
    const perWorker = [0, 0, 0, 0];
    const peak = [0, 0, 0, 0];
    for (let w = 0; w < 4; w += 1) {
      const outbox = new VendorDocuments(w === 0 ? first : await open(), 'LIFEPAY', 'live');
      const worker: OutboxWorker<VendorDocumentRow> = new OutboxWorker<VendorDocumentRow>({
        name: `worker-${w}`,
        pollMs: 50,
        logger: logs.logger,
        concurrency: 8,
        claimDue: (limit) => outbox.claimDue(limit, leaseFor()),
        nextDueAt: () => outbox.nextDueAt(),
        listenForDue: (onDue) => outbox.listenForDue(onDue),
        deliver: async (row) => {
          if (inFlight.has(row.id)) overlaps.push(row.ext_id);
          inFlight.add(row.id);
          attempts.set(row.id, [...(attempts.get(row.id) ?? []), row.attempts]);
          perWorker[w] += 1;
          // This delivery joins the worker's set right after this call returns.
          peak[w] = Math.max(peak[w], worker.delivering + 1);
          // A vendor call's worth of waiting, so deliveries of different workers interleave.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
          inFlight.delete(row.id);
          // The first attempt fails and is due again shortly: a second round of racing.
          await outbox.complete(
            row.id,
            row.lease_owner!,
            row.attempts === 1
              ? { status: 'RETRY_SCHEDULED', nextAttemptAt: new Date(Date.now() + 100), error: 'HTTP 503', errorCode: 'VENDOR_UNAVAILABLE' }
              : { status: 'ACCEPTED', vendorRef: `uuid-${row.ext_id}` },
          );
        },
      });
      workers.push(worker);
    }
    for (const worker of workers) worker.start();

    const reader = new VendorDocuments(first, 'LIFEPAY', 'live');
    await eventually(async () => (await reader.countByStatus()).ACCEPTED === documents, {
      timeoutMs: 30_000,
      what: `${documents} documents ACCEPTED`,
    });
    for (const worker of workers) await worker.stop();

    expect(overlaps).toEqual([]);
    expect(attempts.size).toBe(documents);
    // Exactly one attempt per due time: attempt 1 when first due, attempt 2 when due again.
    for (const numbers of attempts.values()) expect(numbers).toEqual([1, 2]);
    const rows = await first.db.selectFrom('vendor_documents').select(['attempts', 'lease_owner']).execute();
    expect(rows.every((row) => row.attempts === 2 && row.lease_owner === null)).toBe(true);
    expect(perWorker.reduce((a, b) => a + b)).toBe(2 * documents);
    // Parallel delivery, bounded by the concurrency.
    expect(Math.max(...peak)).toBeGreaterThan(1);
    expect(Math.max(...peak)).toBe(8);
    console.info(`${dialect}: attempts per worker ${perWorker.join(' + ')}; most in flight at once per worker ${peak.join(', ')}`);
  });

  it('a worker sleeps until the earliest scheduled document, not a whole poll interval', async () => {
    const store = await open();
    const outbox = new VendorDocuments(store, 'LIFEPAY', 'live');
    const dueAt = new Date(Date.now() + 400);
    await insertDue(store, 1, dueAt, 'sleeper');
    const delivered: number[] = [];
    const worker = new OutboxWorker<VendorDocumentRow>({
      name: 'sleeper',
      pollMs: 60_000,
      logger: logs.logger,
      claimDue: (limit) => outbox.claimDue(limit, leaseFor()),
      nextDueAt: () => outbox.nextDueAt(),
      deliver: async (row) => {
        delivered.push(Date.now());
        await outbox.complete(row.id, row.lease_owner!, { status: 'ACCEPTED', vendorRef: null });
      },
    });
    workers.push(worker);
    worker.start();
    await eventually(() => delivered.length === 1, { timeoutMs: 10_000, what: 'the attempt at its due time' });
    expect(delivered[0]).toBeGreaterThanOrEqual(dueAt.getTime());
  });

  it('a retry scheduled through another connection wakes a sleeping worker at its due time', async () => {
    const [mine, theirs] = [await open(), await open()];
    const outbox = new VendorDocuments(mine, 'LIFEPAY', 'live');
    const delivered: Array<{ extId: string; at: number }> = [];
    const worker = new OutboxWorker<VendorDocumentRow>({
      name: 'listener',
      pollMs: 60_000,
      logger: logs.logger,
      claimDue: (limit) => outbox.claimDue(limit, leaseFor()),
      nextDueAt: () => outbox.nextDueAt(),
      listenForDue: (onDue) => outbox.listenForDue(onDue),
      deliver: async (row) => {
        delivered.push({ extId: row.ext_id, at: Date.now() });
        await outbox.complete(row.id, row.lease_owner!, { status: 'ACCEPTED', vendorRef: null });
      },
    });
    workers.push(worker);
    worker.start();
    // Its first look finds nothing open: without a wake-up it would sleep for the whole minute.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const other = new VendorDocuments(theirs, 'LIFEPAY', 'live');
    const recorded = await other.record(
      { kind: 'X_REPORT', extId: 'woken', target: null, request: {}, test: false },
      { owner: 'other', until: new Date(Date.now() + 30_000) },
    );
    const dueAt = new Date(Date.now() + 300);
    await other.complete(recorded!.id, 'other', { status: 'RETRY_SCHEDULED', nextAttemptAt: dueAt, error: 'HTTP 503', errorCode: 'X' });
    await eventually(() => delivered.length === 1, { timeoutMs: 10_000, what: 'the attempt woken by the notification' });
    expect(delivered[0]!.extId).toBe('woken');
    expect(delivered[0]!.at).toBeGreaterThanOrEqual(dueAt.getTime());
  });

  it('stop() waits for every delivery in flight', async () => {
    const store = await open();
    const outbox = new VendorDocuments(store, 'LIFEPAY', 'live');
    await insertDue(store, 6, new Date(), 'stopping');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const finished: string[] = [];
    const worker = new OutboxWorker<VendorDocumentRow>({
      name: 'stopping',
      pollMs: 50,
      logger: logs.logger,
      concurrency: 4,
      claimDue: (limit) => outbox.claimDue(limit, leaseFor()),
      deliver: async (row) => {
        await gate;
        await outbox.complete(row.id, row.lease_owner!, { status: 'ACCEPTED', vendorRef: null });
        finished.push(row.ext_id);
      },
    });
    worker.start();
    await eventually(() => worker.delivering === 4, { what: 'four deliveries in flight' });
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toHaveLength(4);
    const counts = await outbox.countByStatus();
    expect(counts).toEqual({ ACCEPTED: 4, RETRY_SCHEDULED: 2 });
  });
});

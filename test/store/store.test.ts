import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { retryDelaySec, VendorDocuments } from '../../src/outbox/index.js';
import { openStore, settingOrCreate, type Store } from '../../src/store/index.js';
import { LogCapture } from '../helpers/log-capture.js';

describe('the store (SQLite through Kysely)', () => {
  let dataDir: string;
  const opened: Store[] = [];
  const open = async () => {
    const store = await openStore({ dataDir, logger: new LogCapture().logger });
    opened.push(store);
    return store;
  };
  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'vendor-ops-store-')), 'nested', 'data');
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(join(dataDir, '..', '..'), { recursive: true, force: true });
  });

  it('creates DATA_DIR, runs migrations once, uses WAL, and answers ping', async () => {
    const first = await open();
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(first.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    expect(await first.ping()).toBe(true);
    const second = await open(); // a second process on the same file: nothing left to migrate
    const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
    expect(migrations.rows.map((r) => r.name)).toEqual(['0001_vendor_documents', '0002_vendor_documents_mode']);
    await second.close();
    opened.pop();
    expect(await second.ping()).toBe(false);
  });

  it('refuses DATABASE_URL rather than silently using a local file', async () => {
    await expect(openStore({ dataDir, databaseUrl: 'postgres://db/ops', logger: new LogCapture().logger })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('one claim wins when two connections race for the same due document', async () => {
    const [a, b] = [new VendorDocuments(await open(), 'LIFEPAY', 'live'), new VendorDocuments(await open(), 'LIFEPAY', 'live')];
    const now = new Date();
    const recorded = await a.record(
      { kind: 'X_REPORT', extId: 'race', target: null, request: { ext_id: 'race' }, test: false },
      { owner: 'first', until: new Date(now.getTime() + 1000) },
      now,
    );
    expect(recorded).toMatchObject({ status: 'SENDING', attempts: 1, lease_owner: 'first' });
    expect(
      await a.record({ kind: 'X_REPORT', extId: 'race', target: null, request: {}, test: false }, { owner: 'x', until: now }),
    ).toBeNull();

    // Held by a live lease: nobody may take it.
    expect(await b.claim(recorded!.id, { owner: 'b', until: new Date(now.getTime() + 5000) }, now)).toBeNull();
    await a.complete(recorded!.id, 'first', {
      status: 'RETRY_SCHEDULED',
      nextAttemptAt: now,
      error: 'HTTP 503',
      errorCode: 'VENDOR_UNAVAILABLE',
    });

    const later = new Date(now.getTime() + 10);
    const claims = await Promise.all([
      a.claim(recorded!.id, { owner: 'a', until: new Date(later.getTime() + 5000) }, later),
      b.claim(recorded!.id, { owner: 'b', until: new Date(later.getTime() + 5000) }, later),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(claims.find(Boolean)).toMatchObject({ status: 'SENDING', attempts: 2 });

    // The winner "dies": after its lease expires the other may take the attempt over.
    const afterLease = new Date(later.getTime() + 6000);
    expect(await b.due(10, afterLease)).toEqual([recorded!.id]);
    expect(await b.claim(recorded!.id, { owner: 'b2', until: new Date(afterLease.getTime() + 5000) }, afterLease)).toMatchObject({
      attempts: 3,
      lease_owner: 'b2',
    });
    // The dead holder's late answer cannot overwrite the new holder's attempt.
    const loser = claims.find(Boolean)!.lease_owner!;
    await a.complete(recorded!.id, loser, { status: 'ACCEPTED', vendorRef: 'late' });
    expect((await a.find('race'))?.status).toBe('SENDING');
  });

  it('keeps the first value of a setting', async () => {
    const [a, b] = [await open(), await open()];
    expect(await settingOrCreate(a, 'k', () => 'one')).toBe('one');
    expect(await settingOrCreate(b, 'k', () => 'two')).toBe('one');
  });

  it('the retry schedule repeats its last step', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelaySec([60, 180, 300, 600], n))).toEqual([60, 180, 300, 600, 600, 600]);
  });
});

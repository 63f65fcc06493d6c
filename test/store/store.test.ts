import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/config.js';
import { retryDelaySec, VendorDocuments } from '../../src/outbox/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore, settingOrCreate, type Store } from '../../src/store/index.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { LogCapture } from '../helpers/log-capture.js';
import { freePort } from '../../scripts/free-port.js';

describe.each(['sqlite', 'postgres'] as const)('the store (%s through Kysely)', (dialect) => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  const opened: Store[] = [];
  const open = async () => {
    const store = await openStore({ dataDir, databaseUrl: database?.url, logger: new LogCapture().logger });
    opened.push(store);
    return store;
  };
  beforeEach(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'vendor-ops-store-')), 'nested', 'data');
    if (dialect === 'postgres') database = await freshDatabase();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(join(dataDir, '..', '..'), { recursive: true, force: true });
    await database?.drop();
  });

  it('runs the migrations once, even when three processes start together, and answers ping', async () => {
    // In one process SQLite's synchronous driver would wait on itself: there the three open in turn.
    const [first] = dialect === 'postgres' ? await Promise.all([open(), open(), open()]) : [await open(), await open(), await open()];
    expect(first.dialect).toBe(dialect);
    expect(await first.ping()).toBe(true);
    const second = await open(); // a later process on the same database: nothing left to migrate
    const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(second.db);
    expect(migrations.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
    await second.close();
    opened.pop();
    expect(await second.ping()).toBe(false);
  });

  it.runIf(dialect === 'sqlite')('creates DATA_DIR and uses WAL', async () => {
    const store = await open();
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
  });

  it('one claim wins when two connections race for the same due document', async () => {
    const [a, b] = [new VendorDocuments(await open(), 'LIFEPAY', 'live'), new VendorDocuments(await open(), 'LIFEPAY', 'live')];
    const now = new Date();
    const recorded = await a.record(
      { merchant: 'default', kind: 'X_REPORT', extId: 'race', target: null, request: { ext_id: 'race' }, test: false },
      { owner: 'first', until: new Date(now.getTime() + 1000) },
      now,
    );
    expect(recorded).toMatchObject({ status: 'SENDING', attempts: 1, lease_owner: 'first' });
    expect(
      await a.record(
        { merchant: 'default', kind: 'X_REPORT', extId: 'race', target: null, request: {}, test: false },
        { owner: 'x', until: now },
      ),
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
    expect((await a.find('default', 'race'))?.status).toBe('SENDING');
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

describe('DATABASE_URL that cannot be used stops start-up with one line, never the password', () => {
  const logger = new LogCapture().logger;
  const dataDir = tmpdir();
  const attempt = async (url: string) => {
    const error = await openStore({ dataDir, databaseUrl: url, logger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    const message = (error as Error).message;
    expect(message).toMatch(/^DATABASE_URL \(postgres:\/\/[^)]*\) cannot be used: /);
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
    return message;
  };

  it('a refused connection', async () => {
    expect(await attempt(`postgres://ops:hunter2@127.0.0.1:${await freePort()}/ops`)).toMatch(/connection was refused/);
  });

  it('a wrong password, and a database that does not exist', async () => {
    const server = new URL((await import('vitest')).inject('postgresUrl'));
    server.password = 'hunter2';
    expect(await attempt(server.toString())).toMatch(/password was refused/);
    const missing = new URL((await import('vitest')).inject('postgresUrl'));
    missing.pathname = '/no_such_database';
    missing.password = encodeURIComponent('hunter2');
    expect(await attempt(missing.toString())).toMatch(/password was refused|database does not exist/);
  });
});

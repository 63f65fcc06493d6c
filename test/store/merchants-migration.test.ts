import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, SQLITE_FILE, type Store } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { kyselySqlite } from '../../src/store/node-sqlite.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { LogCapture } from '../helpers/log-capture.js';

const BEFORE = '0006_feyin_callback_state';
const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

const t0 = '2026-11-30T08:00:00.000Z';
const t1 = '2026-11-30T08:00:05.250Z';
const t2 = '2026-11-30T09:30:00.000Z';

/**
 * Rows of every table as release 1997fa7 (migrations up to 0006) writes them, every column
 * given (a default-filled row states the defaults), keyed by table; `key` orders them for reading back.
 */
const ROWS: Record<string, { key: string[]; rows: Array<Record<string, string | number | null>> }> = {
  vendor_documents: {
    key: ['id'],
    rows: [
      {
        id: 'doc-1',
        vendor: 'LIFEPAY',
        kind: 'X_REPORT',
        ext_id: 'Z-1',
        target: '00106304012797',
        request: '{"ext_id":"Z-1","login":"79990000001"}',
        test: 1,
        status: 'RETRY_SCHEDULED',
        attempts: 3,
        next_attempt_at: t2,
        lease_owner: 'worker-a',
        lease_until: t1,
        vendor_ref: '0b7a8f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
        last_error: 'LIFEPAY is unavailable: the vendor answered HTTP 503',
        last_error_code: 'VENDOR_UNAVAILABLE',
        created_at: t0,
        updated_at: t1,
        notified_at: t1,
        mode: 'live',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
      // Written with only the NOT NULL columns: the defaults of 0001/0002 (test 0, attempts 0, mode unknown).
      {
        id: 'doc-2',
        vendor: 'LIFEPAY',
        kind: 'X_REPORT',
        ext_id: 'Z-2',
        target: null,
        request: '{}',
        test: 0,
        status: 'ACCEPTED',
        attempts: 0,
        next_attempt_at: null,
        lease_owner: null,
        lease_until: null,
        vendor_ref: null,
        last_error: null,
        last_error_code: null,
        created_at: t0,
        updated_at: t0,
        notified_at: null,
        mode: 'unknown',
        traceparent: null,
      },
      // The same ext_id at another vendor was always allowed.
      {
        id: 'doc-3',
        vendor: 'FEYIN',
        kind: 'REPORT',
        ext_id: 'Z-1',
        target: '4600000000000001',
        request: '{"a":1}',
        test: 0,
        status: 'FAILED',
        attempts: 1,
        next_attempt_at: null,
        lease_owner: null,
        lease_until: null,
        vendor_ref: null,
        last_error: 'refused',
        last_error_code: 'FAILED_PRECONDITION',
        created_at: t1,
        updated_at: t2,
        notified_at: null,
        mode: 'sandbox',
        traceparent: null,
      },
    ],
  },
  cancelled_orders: {
    key: ['order_id'],
    rows: [
      { order_id: '100012021107633', task_id: 'BAB7EDF04019A6C7876096B88B611769', reason: 'customer left', cancelled_at: t0 },
      { order_id: '100012021107634', task_id: 'C3D1A0F04019A6C7876096B88B611770', reason: '', cancelled_at: t1 },
    ],
  },
  pickup_codes: {
    key: ['id'],
    rows: [
      {
        id: '1122223',
        machine_no: '10000001',
        code: '322223',
        status: 'CANCELLED',
        vendor_created_at: t0,
        expires_at: t2,
        quantity: 2,
        recorded_at: t1,
      },
      // A code cancelled by id before it was ever listed: nothing but the id and machine is known.
      {
        id: '1122299',
        machine_no: '10000001',
        code: null,
        status: 'CANCELLED',
        vendor_created_at: null,
        expires_at: null,
        quantity: null,
        recorded_at: t2,
      },
    ],
  },
  feyin_printed_messages: {
    key: ['msg_no'],
    rows: [
      { msg_no: 'FY0000000000000000000000000010', device_no: '4600000000000001', printed_at: t0, updated_at: t1 },
      { msg_no: 'FY0000000000000000000000000011', device_no: '4600000000000002', printed_at: t1, updated_at: t2 },
    ],
  },
  feyin_printer_states: {
    key: ['device_no'],
    rows: [
      { device_no: '4600000000000001', online_status: 'online', paper_status: 'nomal', since: t0, updated_at: t1 },
      { device_no: '4600000000000002', online_status: 'offline', paper_status: 'lack', since: t1, updated_at: t2 },
    ],
  },
  vendor_tokens: {
    key: ['account'],
    rows: [
      {
        account: 'APIUSB:fdad14bb7695f5ddfd7a32c4ff9a5454',
        vendor: 'APIUSB',
        token: 'VtSl1nkl2XMJaPs6qadCPz9SBXMxMQQO',
        renew_at: t1,
        expires_at: t2,
        fetch_owner: null,
        fetch_until: null,
        updated_at: t0,
      },
      {
        account: 'FEYIN:ccc689fafd3172ed25f1e2c085f1eb4d',
        vendor: 'FEYIN',
        token: null,
        renew_at: null,
        expires_at: null,
        fetch_owner: 'replica-b',
        fetch_until: t2,
        updated_at: t1,
      },
    ],
  },
  vendor_notifications: {
    key: ['id'],
    rows: [
      {
        id: 'note-1',
        vendor: 'LIFEPAY',
        document_id: 'doc-1',
        received_at: t1,
        content_type: 'application/json',
        body: '{"uuid":"0b7a8f5e-2c3d-4e5f-8a9b-0c1d2e3f4a5b","status":"processed"}',
      },
      { id: 'note-2', vendor: 'LIFEPAY', document_id: null, received_at: t2, content_type: null, body: 'not json' },
    ],
  },
  service_settings: {
    key: ['key'],
    rows: [{ key: 'callback_secret', value: 'ASPjfdK4d5eASF_167-qdUZE_32Cbfa4W5TcZCjBlQY', created_at: t0 }],
  },
};

/** The five tables 0007 rebuilds, each with the ids of its key besides `merchant`. */
const REBUILT = ['vendor_documents', 'cancelled_orders', 'pickup_codes', 'feyin_printed_messages', 'feyin_printer_states'];
const UNCHANGED = ['vendor_notifications', 'service_settings'];

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
}

/** A table as the catalog describes it: columns in order, keys and indexes by columns. */
interface Shape {
  columns: Column[];
  primaryKey: string[];
  /** Unique constraints besides the primary key. */
  unique: string[][];
  /** Named (non-unique) indexes → their columns. */
  indexes: Record<string, string[]>;
  /** PostgreSQL: the names of the primary key and unique constraints (SQLite: not compared, its constraints have none that matter). */
  constraintNames: string[];
}

async function shapeOf(db: Kysely<any>, dialect: 'sqlite' | 'postgres', table: string): Promise<Shape> {
  if (dialect === 'sqlite') {
    const info = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>`
      select * from pragma_table_info(${table})`.execute(db);
    const list = await sql<{ name: string; unique: number; origin: string }>`select * from pragma_index_list(${table})`.execute(db);
    const columnsOf = async (index: string) =>
      (await sql<{ name: string; seqno: number }>`select * from pragma_index_info(${index}) order by seqno`.execute(db)).rows.map(
        (r) => r.name,
      );
    const shape: Shape = {
      columns: info.rows.map((c) => ({ name: c.name, type: c.type.toLowerCase(), notNull: c.notnull === 1, default: c.dflt_value })),
      primaryKey: info.rows
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      unique: [],
      indexes: {},
      constraintNames: [],
    };
    for (const index of list.rows) {
      if (index.origin === 'u') shape.unique.push(await columnsOf(index.name));
      if (index.origin === 'c') shape.indexes[index.name] = await columnsOf(index.name);
    }
    shape.unique.sort();
    return shape;
  }
  const columns = await sql<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>`
    select column_name, data_type, is_nullable, column_default from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db);
  const indexes = await sql<{ name: string; primary: boolean; unique: boolean; constraint: string | null; columns: string[] }>`
    select i.relname as name, x.indisprimary as primary, x.indisunique as unique, c.conname as constraint,
      array(select a.attname from unnest(x.indkey) with ordinality k(attnum, n)
            join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n)::text[] as columns
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = x.indrelid
    where t.relname = ${table} and t.relnamespace = current_schema()::regnamespace order by i.relname`.execute(db);
  const shape: Shape = {
    columns: columns.rows.map((c) => ({
      name: c.column_name,
      type: c.data_type,
      notNull: c.is_nullable === 'NO',
      default: c.column_default,
    })),
    primaryKey: [],
    unique: [],
    indexes: {},
    constraintNames: [],
  };
  for (const index of indexes.rows) {
    if (index.primary) shape.primaryKey = index.columns;
    else if (index.unique) shape.unique.push(index.columns);
    else shape.indexes[index.name] = index.columns;
    if (index.primary || index.unique) shape.constraintNames.push(index.constraint ?? `(no constraint) ${index.name}`);
  }
  shape.unique.sort();
  shape.constraintNames.sort();
  return shape;
}

/**
 * Every table, index and key constraint in the schema: none may keep the rebuild's `_next`.
 * (PostgreSQL 18 also names NOT NULL constraints, `<table>_next_<column>_not_null` after a
 * rebuild; nothing refers to those by name, and PostgreSQL picks fresh ones should a later
 * rebuild make a `_next` table again.)
 */
async function schemaNames(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master`.execute(db)
      : await sql<{ name: string }>`
          select relname as name from pg_class where relnamespace = current_schema()::regnamespace
          union all select conname from pg_constraint
            where connamespace = current_schema()::regnamespace and contype in ('p', 'u')`.execute(db);
  return rows.rows.map((r) => r.name);
}

const readAll = (db: Kysely<any>, table: string) => {
  let query = db.selectFrom(table).selectAll();
  for (const column of ROWS[table]!.key) query = query.orderBy(column);
  return query.execute();
};

const refused = /UNIQUE constraint failed|duplicate key value violates unique constraint/;
const notNullRefused = /NOT NULL constraint failed|null value in column "merchant"/;

describe.each(['sqlite', 'postgres'] as const)('migration 0007_merchants (%s)', (dialect) => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  const toClose: Array<{ destroy(): Promise<void> } | Store> = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-0007-'));
    if (dialect === 'postgres') database = await freshDatabase();
  });
  afterEach(async () => {
    for (const db of toClose.splice(0).reverse()) await ('close' in db ? db.close() : db.destroy());
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
    database = undefined;
  });

  /** The database without the service: Kysely over the same SQLite file openStore uses, or the test's PostgreSQL database. */
  const rawDb = (): Kysely<any> => {
    const db =
      dialect === 'sqlite'
        ? new Kysely<any>({ dialect: new SqliteDialect({ database: kyselySqlite(new DatabaseSync(join(dataDir, SQLITE_FILE))) }) })
        : new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database!.url, max: 1 }) }) });
    toClose.push(db);
    return db;
  };
  const open = async () => {
    const store = await openStore({ dataDir, databaseUrl: database?.url, logger: new LogCapture().logger });
    toClose.push(store);
    return store;
  };

  /** A database as release 1997fa7 leaves it (0001–0006) holding ROWS; the shapes of its tables then. */
  async function releaseDatabase(): Promise<Record<string, Shape>> {
    const db = rawDb();
    const migrated = await new Migrator({ db, provider }).migrateTo(BEFORE);
    expect(migrated.error).toBeUndefined();
    expect(migrated.results?.at(-1)).toMatchObject({ migrationName: BEFORE, status: 'Success' });
    const shapes: Record<string, Shape> = {};
    for (const [table, { rows }] of Object.entries(ROWS)) {
      // Raw rows, without merchant: the release knows no such column.
      await db.insertInto(table).values(rows).execute();
      shapes[table] = await shapeOf(db, dialect, table);
    }
    await db.destroy();
    toClose.splice(toClose.indexOf(db), 1);
    return shapes;
  }

  it('keeps every row of every table, each under merchant default, and every column as it was', async () => {
    const before = await releaseDatabase();
    const store = await open(); // migrates 0007 as the service does at start
    const db = store.db as unknown as Kysely<any>;
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
    expect(applied.rows.map((r) => r.name)).toContain('0007_merchants');

    for (const table of [...REBUILT, 'vendor_tokens']) {
      expect(await readAll(db, table), table).toEqual(ROWS[table]!.rows.map((row) => ({ ...row, merchant: 'default' })));
      // The same columns, types, NOT NULLs and defaults, in the same order, then merchant.
      const after = await shapeOf(db, dialect, table);
      expect(after.columns.slice(0, -1), table).toEqual(before[table]!.columns);
      expect(after.columns.at(-1), table).toMatchObject({ name: 'merchant', type: 'text', notNull: true });
      expect(after.columns.at(-1)!.default, table).toEqual(table === 'vendor_tokens' ? expect.stringMatching(/^'default'/) : null);
    }
    for (const table of UNCHANGED) {
      expect(await readAll(db, table), table).toEqual(ROWS[table]!.rows);
      expect(await shapeOf(db, dialect, table), table).toEqual(before[table]);
    }
  });

  it('makes ids unique per merchant, under the index names the queries rely on', async () => {
    const before = await releaseDatabase();
    const store = await open();
    const db = store.db as unknown as Kysely<any>;
    const keys = async (table: string) => {
      const { primaryKey, unique, indexes, constraintNames } = await shapeOf(db, dialect, table);
      return { primaryKey, unique, indexes, ...(dialect === 'postgres' ? { constraintNames } : {}) };
    };
    const named = (names: string[]) => (dialect === 'postgres' ? { constraintNames: names.sort() } : {});

    expect(await keys('vendor_documents')).toEqual({
      primaryKey: ['id'],
      unique: [['vendor', 'merchant', 'ext_id']],
      indexes: {
        vendor_documents_due: ['status', 'next_attempt_at'],
        vendor_documents_target: ['vendor', 'merchant', 'target', 'created_at'],
      },
      ...named(['vendor_documents_id_pkey', 'vendor_documents_vendor_merchant_ext_id']),
    });
    expect(await keys('cancelled_orders')).toEqual({
      primaryKey: ['merchant', 'order_id'],
      unique: [],
      indexes: { cancelled_orders_cancelled_at: ['cancelled_at'] },
      ...named(['cancelled_orders_merchant_order_id_pkey']),
    });
    expect(await keys('pickup_codes')).toEqual({
      primaryKey: ['merchant', 'id'],
      unique: [],
      indexes: { pickup_codes_machine_status: ['merchant', 'machine_no', 'status'], pickup_codes_recorded_at: ['recorded_at'] },
      ...named(['pickup_codes_merchant_id_pkey']),
    });
    expect(await keys('feyin_printed_messages')).toEqual({
      primaryKey: ['merchant', 'msg_no'],
      unique: [],
      indexes: { feyin_printed_messages_updated_at: ['updated_at'] },
      ...named(['feyin_printed_messages_merchant_msg_no_pkey']),
    });
    expect(await keys('feyin_printer_states')).toEqual({
      primaryKey: ['merchant', 'device_no'],
      unique: [],
      indexes: { feyin_printer_states_updated_at: ['updated_at'] },
      ...named(['feyin_printer_states_merchant_device_no_pkey']),
    });
    // vendor_tokens keeps its key (and its constraint name), only a column is added.
    const tokens = await shapeOf(db, dialect, 'vendor_tokens');
    expect({ ...tokens, columns: [] }).toEqual({ ...before.vendor_tokens!, columns: [] });
    expect((await schemaNames(db, dialect)).filter((name) => name.includes('_next'))).toEqual([]);
  });

  it("accepts another merchant's record under the same id, and refuses a second one for the same merchant", async () => {
    await releaseDatabase();
    const store = await open();
    const db = store.db as unknown as Kysely<any>;
    const shop2 = { merchant: 'shop-2' };
    const [doc1, doc2] = ROWS.vendor_documents!.rows as [Record<string, unknown>, Record<string, unknown>];

    // vendor_documents: (vendor, merchant, ext_id) is unique; id stays the primary key.
    await db
      .insertInto('vendor_documents')
      .values({ ...doc2, ...shop2, id: 'shop-2-doc-1', ext_id: 'Z-1' })
      .execute();
    await expect(
      db
        .insertInto('vendor_documents')
        .values({ ...doc2, ...shop2, id: 'shop-2-doc-2', ext_id: 'Z-1' })
        .execute(),
    ).rejects.toThrow(refused);
    await expect(
      db
        .insertInto('vendor_documents')
        .values({ ...doc2, merchant: 'default', id: 'default-doc-4', ext_id: 'Z-1' })
        .execute(),
    ).rejects.toThrow(refused);
    await expect(
      db
        .insertInto('vendor_documents')
        .values({ ...doc2, ...shop2, id: doc1.id, ext_id: 'Z-9' })
        .execute(),
    ).rejects.toThrow(refused);
    // A third merchant may use it too, and the vendor still tells documents apart.
    await db
      .insertInto('vendor_documents')
      .values({ ...doc2, merchant: 'shop-3', id: 'shop-3-doc-1', ext_id: 'Z-1' })
      .execute();
    await db
      .insertInto('vendor_documents')
      .values({ ...doc2, ...shop2, vendor: 'FEYIN', id: 'shop-2-doc-3', ext_id: 'Z-1' })
      .execute();
    const z1 = await db.selectFrom('vendor_documents').select(['vendor', 'merchant', 'id']).where('ext_id', '=', 'Z-1').execute();
    expect(z1.map((r) => `${r.vendor}/${r.merchant}/${r.id}`).sort()).toEqual([
      'FEYIN/default/doc-3',
      'FEYIN/shop-2/shop-2-doc-3',
      'LIFEPAY/default/doc-1',
      'LIFEPAY/shop-2/shop-2-doc-1',
      'LIFEPAY/shop-3/shop-3-doc-1',
    ]);

    for (const table of ['cancelled_orders', 'pickup_codes', 'feyin_printed_messages', 'feyin_printer_states']) {
      const [existing] = ROWS[table]!.rows;
      await db
        .insertInto(table)
        .values({ ...existing, ...shop2 })
        .execute();
      await expect(
        db
          .insertInto(table)
          .values({ ...existing, ...shop2 })
          .execute(),
        table,
      ).rejects.toThrow(refused);
      await expect(
        db
          .insertInto(table)
          .values({ ...existing, merchant: 'default' })
          .execute(),
        table,
      ).rejects.toThrow(refused);
      const [id] = ROWS[table]!.key as [string];
      const holders = await db.selectFrom(table).select('merchant').where(id, '=', existing![id]!).orderBy('merchant').execute();
      expect(
        holders.map((r) => r.merchant),
        table,
      ).toEqual(['default', 'shop-2']);
    }
  });

  it('makes every write name its merchant, except a vendor token, which is default unless named', async () => {
    await releaseDatabase();
    const store = await open();
    const db = store.db as unknown as Kysely<any>;
    for (const table of REBUILT) {
      const [row] = ROWS[table]!.rows as [Record<string, unknown>];
      // A fresh id for each, so only the missing merchant can refuse it.
      const [id] = ROWS[table]!.key as [string];
      await expect(
        db
          .insertInto(table)
          .values({ ...row, [id]: 'fresh-id', ...(table === 'vendor_documents' ? { ext_id: 'fresh' } : {}) })
          .execute(),
        table,
      ).rejects.toThrow(notNullRefused);
    }
    const [token] = ROWS.vendor_tokens!.rows as [Record<string, unknown>];
    await db
      .insertInto('vendor_tokens')
      .values({ ...token, account: 'LIFEPAY:unnamed' })
      .execute();
    await db
      .insertInto('vendor_tokens')
      .values({ ...token, account: 'FEYIN:shop-2', merchant: 'shop-2' })
      .execute();
    const merchants = await db.selectFrom('vendor_tokens').select(['account', 'merchant']).orderBy('account').execute();
    expect(merchants).toEqual([
      { account: 'APIUSB:fdad14bb7695f5ddfd7a32c4ff9a5454', merchant: 'default' },
      { account: 'FEYIN:ccc689fafd3172ed25f1e2c085f1eb4d', merchant: 'default' },
      { account: 'FEYIN:shop-2', merchant: 'shop-2' },
      { account: 'LIFEPAY:unnamed', merchant: 'default' },
    ]);
  });

  it('goes back down to 0006 as it was, refusing while two merchants share an id', async () => {
    const before = await releaseDatabase();
    const store = await open();
    const db = store.db as unknown as Kysely<any>;
    const migrator = new Migrator({ db, provider });
    const [order] = ROWS.cancelled_orders!.rows;
    await db
      .insertInto('cancelled_orders')
      .values({ ...order, merchant: 'shop-2' })
      .execute();

    // In one transaction, as openStore runs migrations on SQLite (Kysely's own per migration on PostgreSQL).
    if (dialect === 'sqlite') await sql`begin immediate`.execute(db);
    const refusedDown = await migrator.migrateTo(BEFORE);
    if (dialect === 'sqlite') await sql`rollback`.execute(db);
    expect(String(refusedDown.error)).toMatch(refused);
    // Nothing changed: still 0007, every row there.
    expect(await readAll(db, 'cancelled_orders')).toHaveLength(3);
    expect((await shapeOf(db, dialect, 'cancelled_orders')).primaryKey).toEqual(['merchant', 'order_id']);
    expect((await shapeOf(db, dialect, 'vendor_documents')).unique).toEqual([['vendor', 'merchant', 'ext_id']]);

    await db.deleteFrom('cancelled_orders').where('merchant', '=', 'shop-2').execute();
    const down = await migrator.migrateTo(BEFORE);
    expect(down.error).toBeUndefined();
    // Later migrations (0008 on) go down first, then 0007.
    expect(down.results?.at(-1)).toEqual({ migrationName: '0007_merchants', direction: 'Down', status: 'Success' });
    expect(down.results?.every((result) => result.direction === 'Down' && result.status === 'Success')).toBe(true);
    for (const table of Object.keys(ROWS)) {
      expect(await readAll(db, table), table).toEqual(ROWS[table]!.rows);
      expect(await shapeOf(db, dialect, table), table).toEqual(before[table]);
    }
    // And up again: the round trip leaves nothing in the way.
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(await readAll(db, 'pickup_codes')).toEqual(ROWS.pickup_codes!.rows.map((row) => ({ ...row, merchant: 'default' })));
  });
});

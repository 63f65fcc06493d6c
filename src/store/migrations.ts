import { sql, type ColumnBuilderCallback, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Every migration, in code (nothing is read from disk at run time, so the build and the
 * container need no extra files). Names sort in the order they run; a domain adds its own
 * tables with a new entry, never by editing one that has shipped. Only Kysely's schema
 * builder and portable column types, so PostgreSQL can run the same list.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_vendor_documents': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('vendor_documents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ext_id', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('test', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('vendor_ref', 'text')
        .addColumn('last_error', 'text')
        .addColumn('last_error_code', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('notified_at', 'text')
        .addUniqueConstraint('vendor_documents_vendor_ext_id', ['vendor', 'ext_id'])
        .execute();
      await db.schema.createIndex('vendor_documents_due').on('vendor_documents').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('vendor_documents_target').on('vendor_documents').columns(['vendor', 'target', 'created_at']).execute();

      await db.schema
        .createTable('vendor_notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('document_id', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('vendor_notifications_document')
        .on('vendor_notifications')
        .columns(['document_id', 'received_at'])
        .execute();

      await db.schema
        .createTable('service_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('service_settings').execute();
      await db.schema.dropTable('vendor_notifications').execute();
      await db.schema.dropTable('vendor_documents').execute();
    },
  },
  '0002_vendor_documents_mode': {
    async up(db: Kysely<unknown>) {
      // Older rows cannot tell sandbox from live: `unknown`, which no worker sends.
      await db.schema
        .alterTable('vendor_documents')
        .addColumn('mode', 'text', (c) => c.notNull().defaultTo('unknown'))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('vendor_documents').dropColumn('mode').execute();
    },
  },
  '0003_vendor_tokens': {
    async up(db: Kysely<unknown>) {
      // One vendor access token per account, shared by every replica, and who is fetching it.
      await db.schema
        .createTable('vendor_tokens')
        .addColumn('account', 'text', (c) => c.primaryKey())
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('token', 'text')
        .addColumn('renew_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('fetch_owner', 'text')
        .addColumn('fetch_until', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('vendor_tokens').execute();
    },
  },
  '0004_entity_state': {
    async up(db: Kysely<unknown>) {
      // What `_entities` answers from, shared by every replica; `recorded_at` / `cancelled_at` drive the age limit.
      await db.schema
        .createTable('cancelled_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('cancelled_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cancelled_orders_cancelled_at').on('cancelled_orders').column('cancelled_at').execute();

      await db.schema
        .createTable('pickup_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('machine_no', 'text', (c) => c.notNull())
        .addColumn('code', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('vendor_created_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('quantity', 'integer')
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pickup_codes_machine_status').on('pickup_codes').columns(['machine_no', 'status']).execute();
      await db.schema.createIndex('pickup_codes_recorded_at').on('pickup_codes').column('recorded_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('pickup_codes').execute();
      await db.schema.dropTable('cancelled_orders').execute();
    },
  },
  '0005_vendor_documents_traceparent': {
    async up(db: Kysely<unknown>) {
      // The W3C traceparent of the request that recorded the document: each later attempt's trace links to it.
      await db.schema.alterTable('vendor_documents').addColumn('traceparent', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('vendor_documents').dropColumn('traceparent').execute();
    },
  },
  '0006_feyin_callback_state': {
    async up(db: Kysely<unknown>) {
      // What Feyin's callbacks said (message printed, printer status): every replica answers from it.
      await db.schema
        .createTable('feyin_printed_messages')
        .addColumn('msg_no', 'text', (c) => c.primaryKey())
        .addColumn('device_no', 'text', (c) => c.notNull())
        .addColumn('printed_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feyin_printed_messages_updated_at').on('feyin_printed_messages').column('updated_at').execute();

      await db.schema
        .createTable('feyin_printer_states')
        .addColumn('device_no', 'text', (c) => c.primaryKey())
        .addColumn('online_status', 'text', (c) => c.notNull())
        .addColumn('paper_status', 'text', (c) => c.notNull())
        .addColumn('since', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feyin_printer_states_updated_at').on('feyin_printer_states').column('updated_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('feyin_printer_states').execute();
      await db.schema.dropTable('feyin_printed_messages').execute();
    },
  },
  '0007_merchants': {
    async up(db: Kysely<unknown>) {
      // One service, many merchants: each merchant's records are its own, and ids are unique per
      // merchant. Every row written before is `default`'s (the accounts of the FEYIN_*… variables).
      // A token row says which merchant's account it is; its key stays `account`, which already tells accounts apart.
      await db.schema
        .alterTable('vendor_tokens')
        .addColumn('merchant', 'text', (c) => c.notNull().defaultTo(DEFAULT_MERCHANT))
        .execute();
      for (const table of MERCHANT_TABLES_0007) await rebuild(db, table, 'merchants');
    },
    /**
     * Back to one merchant's keys, every row kept (merchant dropped). Fails, changing nothing
     * when run in a transaction (PostgreSQL: Kysely's per migration; SQLite: BEGIN IMMEDIATE,
     * as openStore wraps the migrations), if two merchants hold the same id (ext_id of a
     * vendor, order_id, pickup code id, msg_no or device_no): those rows cannot share the old key.
     */
    async down(db: Kysely<unknown>) {
      for (const table of [...MERCHANT_TABLES_0007].reverse()) await rebuild(db, table, 'single');
      await db.schema.alterTable('vendor_tokens').dropColumn('merchant').execute();
    },
  },
  '0008_poll_leases': {
    async up(db: Kysely<unknown>) {
      // Which replica polls a vendor for live updates (one row per poller), and until when.
      await db.schema
        .createTable('poll_leases')
        .addColumn('poller', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text')
        .addColumn('until', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // What each replica's subscribers watch, kept fresh by that replica: the lease holder polls all of it.
      await db.schema
        .createTable('watched_keys')
        .addColumn('replica', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('until', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('watched_keys_pkey', ['replica', 'key'])
        .execute();
      await db.schema.createIndex('watched_keys_until').on('watched_keys').column('until').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('watched_keys').execute();
      await db.schema.dropTable('poll_leases').execute();
    },
  },
};

/** The merchant of every row written before 0007 (a frozen value: migrations never import the service's constants). */
const DEFAULT_MERCHANT = 'default';

/** A column as the migration that made it declared it. */
type ColumnSpec = readonly [name: string, type: 'text' | 'integer', build?: ColumnBuilderCallback];

interface TableKeys {
  /**
   * Named, so PostgreSQL's constraint and its index keep a proper name through the rename (not
   * `<table>_next_pkey`). The name differs from the replaced table's: both exist for a moment,
   * and PostgreSQL wants index names unique in the schema.
   */
  primaryKey: { name: string; columns: string[] };
  unique?: { name: string; columns: string[] };
  /** Index name → columns. */
  indexes: Record<string, string[]>;
}

/** A table 0007 rebuilds: its columns (without `merchant`) and its keys with and without merchants. */
interface MerchantTable {
  name: string;
  /** Every column but `merchant`, in the table's order, with the types and defaults 0001–0006 gave them. */
  columns: ColumnSpec[];
  /** The keys 0001–0006 made (PostgreSQL names unnamed primary keys `<table>_pkey`). */
  single: TableKeys;
  merchants: TableKeys;
}

const notNull: ColumnBuilderCallback = (c) => c.notNull();

/**
 * 0007's tables, frozen as they are at 0007 (a later migration changes a table with its own
 * entry, never by editing this). Primary-key columns are declared as 0001–0006 did (no NOT NULL:
 * the primary key implies it on PostgreSQL; SQLite accepts what it accepted before).
 */
const MERCHANT_TABLES_0007: readonly MerchantTable[] = [
  {
    name: 'vendor_documents',
    columns: [
      ['id', 'text'],
      ['vendor', 'text', notNull],
      ['kind', 'text', notNull],
      ['ext_id', 'text', notNull],
      ['target', 'text'],
      ['request', 'text', notNull],
      ['test', 'integer', (c) => c.notNull().defaultTo(0)],
      ['status', 'text', notNull],
      ['attempts', 'integer', (c) => c.notNull().defaultTo(0)],
      ['next_attempt_at', 'text'],
      ['lease_owner', 'text'],
      ['lease_until', 'text'],
      ['vendor_ref', 'text'],
      ['last_error', 'text'],
      ['last_error_code', 'text'],
      ['created_at', 'text', notNull],
      ['updated_at', 'text', notNull],
      ['notified_at', 'text'],
      ['mode', 'text', (c) => c.notNull().defaultTo('unknown')],
      ['traceparent', 'text'],
    ],
    single: {
      primaryKey: { name: 'vendor_documents_pkey', columns: ['id'] },
      unique: { name: 'vendor_documents_vendor_ext_id', columns: ['vendor', 'ext_id'] },
      indexes: { vendor_documents_due: ['status', 'next_attempt_at'], vendor_documents_target: ['vendor', 'target', 'created_at'] },
    },
    merchants: {
      primaryKey: { name: 'vendor_documents_id_pkey', columns: ['id'] },
      unique: { name: 'vendor_documents_vendor_merchant_ext_id', columns: ['vendor', 'merchant', 'ext_id'] },
      indexes: {
        vendor_documents_due: ['status', 'next_attempt_at'],
        vendor_documents_target: ['vendor', 'merchant', 'target', 'created_at'],
      },
    },
  },
  {
    name: 'cancelled_orders',
    columns: [
      ['order_id', 'text'],
      ['task_id', 'text', notNull],
      ['reason', 'text', notNull],
      ['cancelled_at', 'text', notNull],
    ],
    single: {
      primaryKey: { name: 'cancelled_orders_pkey', columns: ['order_id'] },
      indexes: { cancelled_orders_cancelled_at: ['cancelled_at'] },
    },
    merchants: {
      primaryKey: { name: 'cancelled_orders_merchant_order_id_pkey', columns: ['merchant', 'order_id'] },
      indexes: { cancelled_orders_cancelled_at: ['cancelled_at'] },
    },
  },
  {
    name: 'pickup_codes',
    columns: [
      ['id', 'text'],
      ['machine_no', 'text', notNull],
      ['code', 'text'],
      ['status', 'text', notNull],
      ['vendor_created_at', 'text'],
      ['expires_at', 'text'],
      ['quantity', 'integer'],
      ['recorded_at', 'text', notNull],
    ],
    single: {
      primaryKey: { name: 'pickup_codes_pkey', columns: ['id'] },
      indexes: { pickup_codes_machine_status: ['machine_no', 'status'], pickup_codes_recorded_at: ['recorded_at'] },
    },
    merchants: {
      primaryKey: { name: 'pickup_codes_merchant_id_pkey', columns: ['merchant', 'id'] },
      indexes: { pickup_codes_machine_status: ['merchant', 'machine_no', 'status'], pickup_codes_recorded_at: ['recorded_at'] },
    },
  },
  {
    name: 'feyin_printed_messages',
    columns: [
      ['msg_no', 'text'],
      ['device_no', 'text', notNull],
      ['printed_at', 'text', notNull],
      ['updated_at', 'text', notNull],
    ],
    single: {
      primaryKey: { name: 'feyin_printed_messages_pkey', columns: ['msg_no'] },
      indexes: { feyin_printed_messages_updated_at: ['updated_at'] },
    },
    merchants: {
      primaryKey: { name: 'feyin_printed_messages_merchant_msg_no_pkey', columns: ['merchant', 'msg_no'] },
      indexes: { feyin_printed_messages_updated_at: ['updated_at'] },
    },
  },
  {
    name: 'feyin_printer_states',
    columns: [
      ['device_no', 'text'],
      ['online_status', 'text', notNull],
      ['paper_status', 'text', notNull],
      ['since', 'text', notNull],
      ['updated_at', 'text', notNull],
    ],
    single: {
      primaryKey: { name: 'feyin_printer_states_pkey', columns: ['device_no'] },
      indexes: { feyin_printer_states_updated_at: ['updated_at'] },
    },
    merchants: {
      primaryKey: { name: 'feyin_printer_states_merchant_device_no_pkey', columns: ['merchant', 'device_no'] },
      indexes: { feyin_printer_states_updated_at: ['updated_at'] },
    },
  },
];

/**
 * Rebuilds `table` with the keys of `to`, keeping every row: SQLite can neither drop a
 * constraint nor change a primary key, so both dialects do it the same portable way. The new
 * table is made beside the old one (its constraints named apart from the old one's, which
 * PostgreSQL requires), filled with `insert … select` (`merchant` = `default` when it is added,
 * left out when it is dropped), then takes the old one's name. Indexes go with the dropped table
 * and are made again, under the same names, on the renamed one.
 */
async function rebuild(unknownDb: Kysely<unknown>, table: MerchantTable, to: 'merchants' | 'single'): Promise<void> {
  const db = unknownDb as Kysely<any>;
  const keys = table[to];
  const next = `${table.name}_next`;
  let create: CreateTableBuilder<string, string> = db.schema.createTable(next);
  for (const [name, type, build] of table.columns) create = create.addColumn(name, type, build);
  if (to === 'merchants') create = create.addColumn('merchant', 'text', notNull);
  create = create.addPrimaryKeyConstraint(keys.primaryKey.name, keys.primaryKey.columns);
  if (keys.unique) create = create.addUniqueConstraint(keys.unique.name, keys.unique.columns);
  await create.execute();

  const columns = table.columns.map(([name]) => name);
  const copy =
    to === 'merchants'
      ? db
          .insertInto(next)
          .columns([...columns, 'merchant'])
          .expression(db.selectFrom(table.name).select([...columns, sql.lit(DEFAULT_MERCHANT).as('merchant')]))
      : db.insertInto(next).columns(columns).expression(db.selectFrom(table.name).select(columns));
  await copy.execute();

  await db.schema.dropTable(table.name).execute();
  await db.schema.alterTable(next).renameTo(table.name).execute();
  for (const [index, indexColumns] of Object.entries(keys.indexes)) {
    await db.schema.createIndex(index).on(table.name).columns(indexColumns).execute();
  }
}

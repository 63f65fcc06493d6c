import type { Kysely } from 'kysely';
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
};

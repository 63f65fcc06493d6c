import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, SANDBOX_SQLITE_FILE } from '../../src/store/index.js';
import { LogCapture } from '../helpers/log-capture.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/sandbox-before-merchants.sqlite');

/** What release 1997fa7 wrote, per table (pinned, so an emptied fixture cannot pass unnoticed). */
const ROW_COUNTS: Record<string, number> = {
  vendor_documents: 4,
  vendor_notifications: 1,
  vendor_tokens: 2,
  cancelled_orders: 1,
  pickup_codes: 5,
  feyin_printed_messages: 1,
  feyin_printer_states: 1,
  service_settings: 1,
};
/** Tables of migrations after 0007, which the release's file did not have. */
const LATER_TABLES = ['poll_leases', 'watched_keys'];
/** The tables 0007 gives a merchant; the others keep their rows as they are. */
const MERCHANT_TABLES = [
  'vendor_documents',
  'vendor_tokens',
  'cancelled_orders',
  'pickup_codes',
  'feyin_printed_messages',
  'feyin_printer_states',
];

type Row = Record<string, unknown>;

/** Every table's rows, read with node:sqlite alone (read-only), in a stable order. */
function readFile(file: string): Record<string, Row[]> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{ name: string }>;
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        db
          .prepare(`select * from "${name}" order by 1`)
          .all()
          .map((row) => ({ ...row })),
      ]),
    );
  } finally {
    db.close();
  }
}

/**
 * `test/fixtures/sandbox-before-merchants.sqlite` was written by release 1997fa7 (migrations up
 * to 0006, before merchants) in sandbox mode, through its GraphQL API with PUBLIC_URL set:
 * X-reports FIXTURE-ACCEPTED (then PROCESSED by LifePay's callback, which is stored),
 * FIXTURE-RETRY (RETRY_SCHEDULED, flaky register), FIXTURE-TEST (test) and FIXTURE-FAILED
 * (refused, 6080); APIUSB order 100012021107633 cancelled; machine 10000001's codes listed and
 * 1122223 cancelled; Feyin message FY…0001 cancelled and printer 4600000000000001 read; then
 * the simulator's Feyin callbacks `msg_printed` (FIXTURE-PRINTED-1) and `device_status`
 * (4600000000000002); the APIUSB and Feyin tokens and the callback secret. Stopped cleanly: the
 * WAL is in the file. Today's store must migrate it (0007) and keep every row, each `default`'s.
 */
describe('a SQLite file written before merchants (release 1997fa7)', () => {
  let dir: string;
  let file: string;
  let before: Record<string, Row[]>;
  let after: Record<string, Row[]>;
  let fixtureBytes: Buffer;
  const logs = new LogCapture();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vendor-ops-before-merchants-'));
    file = join(dir, SANDBOX_SQLITE_FILE);
    // Only the copy is ever opened: opening a WAL file, even read-only, leaves -wal and -shm beside it.
    fixtureBytes = readFileSync(FIXTURE);
    copyFileSync(FIXTURE, file);
    before = readFile(file);
    const store = await openStore({ dataDir: dir, file: SANDBOX_SQLITE_FILE, logger: logs.logger });
    await store.close();
    after = readFile(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the file the release wrote: six migrations, the rows it made', () => {
    expect(before.kysely_migration!.map((row) => row.name)).toEqual([
      '0001_vendor_documents',
      '0002_vendor_documents_mode',
      '0003_vendor_tokens',
      '0004_entity_state',
      '0005_vendor_documents_traceparent',
      '0006_feyin_callback_state',
    ]);
    const counts = Object.fromEntries(Object.keys(ROW_COUNTS).map((table) => [table, before[table]?.length]));
    expect(counts).toEqual(ROW_COUNTS);
    expect(before.vendor_documents!.map((row) => `${row.ext_id} ${row.status}`).sort()).toEqual([
      'FIXTURE-ACCEPTED PROCESSED',
      'FIXTURE-FAILED FAILED',
      'FIXTURE-RETRY RETRY_SCHEDULED',
      'FIXTURE-TEST ACCEPTED',
    ]);
    for (const table of MERCHANT_TABLES) expect(Object.keys(before[table]![0]!), table).not.toContain('merchant');
  });

  it('migrates to 0007 and keeps the same tables and every row, each under merchant default', () => {
    expect(after.kysely_migration!.map((row) => row.name)).toContain('0007_merchants');
    // The same tables, and those of later migrations (0008's poll lease and watched keys), empty.
    expect(Object.keys(after).sort()).toEqual([...Object.keys(before), ...LATER_TABLES].sort());
    for (const table of LATER_TABLES) expect(after[table], table).toEqual([]);
    for (const table of Object.keys(ROW_COUNTS)) {
      const expected = MERCHANT_TABLES.includes(table) ? before[table]!.map((row) => ({ ...row, merchant: 'default' })) : before[table];
      expect(after[table], table).toEqual(expected);
    }
    expect(logs.text).toMatch(/"migrations":\["0007_merchants"[,\]]/);
  });

  it('stays a WAL database, and the fixture itself is untouched', () => {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      expect(db.prepare('pragma journal_mode').get()).toEqual({ journal_mode: 'wal' });
    } finally {
      db.close();
    }
    expect(readFileSync(FIXTURE).equals(fixtureBytes)).toBe(true);
    expect(existsSync(`${FIXTURE}-wal`) || existsSync(`${FIXTURE}-shm`)).toBe(false);
  });
});

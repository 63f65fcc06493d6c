import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { LogCapture } from '../helpers/log-capture.js';

/**
 * `test/fixtures/sandbox-0.1.0.sqlite` was written by release 0.1.0 (better-sqlite3 on Node 20)
 * in sandbox mode: X-reports FIXTURE-ACCEPTED (ACCEPTED) and FIXTURE-RETRY (RETRY_SCHEDULED), APIUSB
 * order 100012021107633 cancelled, pickup code 1122223 of machine 10000001 cancelled and the
 * machine's other codes seen, the callback secret and the sandbox vendors' tokens. Today's
 * node:sqlite store must open it as it is and keep every row.
 */
describe('a SQLite file written by the previous release (better-sqlite3)', () => {
  let dataDir: string;
  let service: RunningService;
  const logs = new LogCapture();

  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-release-file-'));
    copyFileSync(join(import.meta.dirname, '../fixtures/sandbox-0.1.0.sqlite'), join(dataDir, 'sandbox.sqlite'));
    service = await startService(
      loadConfig({
        VENDOR_MODE: 'sandbox',
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        // The file's rows must outlive the test's distance from the day the file was made.
        ENTITY_STATE_MAX_AGE: '315360000',
        LIFEPAY_RETRY_SCHEDULE: '86400',
        LIFEPAY_RETRY_MAX_AGE: '2592000',
      }),
      logs.logger,
    );
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens without a migration error and keeps its X-reports', async () => {
    const answer = await gql(
      '{ accepted: fiscalDocument(extId: "FIXTURE-ACCEPTED") { extId kind status uuid attempts test register { serial } } ' +
        'retry: fiscalDocument(extId: "FIXTURE-RETRY") { extId status attempts register { serial } } }',
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.accepted).toMatchObject({
      extId: 'FIXTURE-ACCEPTED',
      kind: 'X_REPORT',
      status: 'ACCEPTED',
      attempts: 1,
      test: false,
      register: { serial: '00106304012797' },
    });
    expect(answer.data!.accepted.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.data!.retry).toMatchObject({ extId: 'FIXTURE-RETRY', register: { serial: '00106304015555' } });
    expect(answer.data!.retry.attempts).toBeGreaterThanOrEqual(1);
    expect(logs.text).not.toMatch(/migration.*fail/i);
  });

  it('keeps the cancelled order and the pickup codes it had seen', async () => {
    const answer = await gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on LogisticsOrder { orderId status cancelReason } ' +
        '... on PickupCode { id codeStatus: status } } }',
      {
        r: [
          { __typename: 'LogisticsOrder', orderId: '100012021107633' },
          { __typename: 'PickupCode', id: '1122223' },
          { __typename: 'PickupCode', id: '1122226' },
        ],
      },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!._entities).toEqual([
      { orderId: '100012021107633', status: 'CANCELLED', cancelReason: 'fixture' },
      { id: '1122223', codeStatus: 'CANCELLED' },
      { id: '1122226', codeStatus: 'USED' },
    ]);
  });

  it('takes new writes beside the old rows, and its extIds stay taken', async () => {
    const fresh = await gql(
      'mutation { printXReport(input: { targetSerial: "00106304012797", extId: "AFTER-UPGRADE" }) { document { status } } }',
    );
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data!.printXReport.document.status).toBe('ACCEPTED');
    // An extId the old file holds answers with the stored document, not a second one.
    const again = await gql(
      'mutation { printXReport(input: { targetSerial: "00106304012797", extId: "FIXTURE-ACCEPTED" }) { document { uuid } } }',
    );
    const stored = await gql('{ fiscalDocument(extId: "FIXTURE-ACCEPTED") { uuid } }');
    expect(again.data?.printXReport?.document.uuid ?? again.errors).toEqual(stored.data!.fiscalDocument.uuid);
  });

  it('is still a WAL database that node:sqlite reads directly', () => {
    const db = new DatabaseSync(join(dataDir, 'sandbox.sqlite'), { readOnly: true });
    try {
      expect(db.prepare('pragma journal_mode').get()).toEqual({ journal_mode: 'wal' });
      const documents = db.prepare('select ext_id from vendor_documents order by ext_id').all();
      expect(documents.map((row) => row.ext_id)).toEqual(['AFTER-UPGRADE', 'FIXTURE-ACCEPTED', 'FIXTURE-RETRY']);
      expect(db.prepare('select count(*) as n from service_settings').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});

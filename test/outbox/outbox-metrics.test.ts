import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceMetrics } from '../../src/observability/metrics.js';
import { VendorDocuments } from '../../src/outbox/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { LogCapture } from '../helpers/log-capture.js';

const value = (text: string, name: string) =>
  Number(
    text
      .split('\n')
      .find((line) => line.startsWith(`${name} `))
      ?.split(' ')[1],
  );

describe.each(['sqlite', 'postgres'] as const)('outbox metrics read from the store (%s)', (dialect) => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let store: Store;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-outbox-metrics-'));
    if (dialect === 'postgres') database = await freshDatabase();
    store = await openStore({ dataDir, databaseUrl: database?.url, logger: new LogCapture().logger });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
    database = undefined;
  });

  it('documents due now and the age of the oldest due one, on each scrape', async () => {
    const metrics = new ServiceMetrics();
    const outbox = new VendorDocuments(store, 'LIFEPAY', 'live');
    metrics.trackOutbox({ countByStatus: () => outbox.countByStatus(), dueSummary: () => outbox.dueSummary() });
    const scrape = async () => metrics.registry.metrics();
    expect(value(await scrape(), 'fiscal_outbox_due_documents')).toBe(0);
    expect(value(await scrape(), 'fiscal_outbox_oldest_due_age_seconds')).toBe(0);

    const now = Date.now();
    const document = (extId: string, status: 'RETRY_SCHEDULED' | 'SENDING' | 'ACCEPTED', at: number, mode = 'live') => ({
      id: randomUUID(),
      vendor: 'LIFEPAY',
      merchant: 'default',
      kind: 'X_REPORT',
      ext_id: extId,
      request: '{}',
      test: 0,
      mode,
      status,
      attempts: 1,
      next_attempt_at: status === 'ACCEPTED' ? null : new Date(at).toISOString(),
      lease_owner: status === 'SENDING' ? 'gone' : null,
      lease_until: status === 'SENDING' ? new Date(at).toISOString() : null,
      created_at: new Date(now - 600_000).toISOString(),
      updated_at: new Date(now).toISOString(),
    });
    await store.db
      .insertInto('vendor_documents')
      .values([
        document('due-90s', 'RETRY_SCHEDULED', now - 90_000),
        document('due-10s', 'RETRY_SCHEDULED', now - 10_000),
        // Its holder's lease ended 30 s ago: due again.
        document('abandoned', 'SENDING', now - 30_000),
        document('held', 'SENDING', now + 30_000),
        document('later', 'RETRY_SCHEDULED', now + 60_000),
        document('done', 'ACCEPTED', now),
        // Never sent from a live worker: not due here.
        document('sandbox', 'RETRY_SCHEDULED', now - 300_000, 'sandbox'),
      ])
      .execute();

    const text = await scrape();
    expect(value(text, 'fiscal_outbox_due_documents')).toBe(3);
    const age = value(text, 'fiscal_outbox_oldest_due_age_seconds');
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
  });
});

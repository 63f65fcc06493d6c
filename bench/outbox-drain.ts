// Outbox drain: a backlog of due X-reports (as a LifePay outage leaves it) written straight
// into the store, then one service process started on it; timed until every one is ACCEPTED.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/observability/logger.js';
import { VendorDocuments } from '../src/outbox/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { startBuiltService } from './built-service.js';

export interface DrainResult {
  documents: number;
  /** From the service answering /ready to the last document ACCEPTED. */
  drainMs: number;
  documentsPerSecond: number;
}

async function insertBacklog(store: Store, documents: number, login: string): Promise<void> {
  const at = new Date(Date.now() - 60_000).toISOString();
  for (let from = 0; from < documents; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, documents - from) }, (_, i) => {
      const extId = `bench-drain-${from + i}-${randomUUID().slice(0, 8)}`;
      return {
        id: randomUUID(),
        vendor: 'LIFEPAY',
        merchant: 'default',
        kind: 'X_REPORT',
        ext_id: extId,
        target: null,
        request: JSON.stringify({ login, test: 0, ext_id: extId }),
        test: 0,
        mode: 'live',
        status: 'RETRY_SCHEDULED' as const,
        attempts: 1,
        next_attempt_at: at,
        last_error: 'HTTP 503',
        last_error_code: 'VENDOR_UNAVAILABLE',
        created_at: at,
        updated_at: at,
      };
    });
    await store.db.insertInto('vendor_documents').values(rows).execute();
  }
}

export async function outboxDrain(options: {
  documents: number;
  vendorEnv: Record<string, string>;
  databaseUrl?: string;
  env?: Record<string, string>;
}): Promise<DrainResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-bench-drain-'));
  // The file the service opens in live mode, or the shared database.
  const store = await openStore({ dataDir, databaseUrl: options.databaseUrl, logger: createLogger({ level: 'silent' }) });
  await insertBacklog(store, options.documents, options.vendorEnv.LIFEPAY_LOGIN!);
  const outbox = new VendorDocuments(store, 'LIFEPAY', 'live');

  const { child: service } = await startBuiltService({
    DATA_DIR: dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.vendorEnv,
    ...options.env,
  });
  const ready = performance.now();
  for (;;) {
    const counts = await outbox.countByStatus();
    if ((counts.ACCEPTED ?? 0) >= options.documents) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const drainMs = Math.round(performance.now() - ready);
  service.kill('SIGTERM');
  await once(service, 'exit');
  await store.close();
  return { documents: options.documents, drainMs, documentsPerSecond: Math.round((options.documents / drainMs) * 1000) };
}

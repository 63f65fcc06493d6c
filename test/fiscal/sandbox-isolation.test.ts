import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FiscalDocumentDocument, PrintXReportDocument } from '../__generated__/graphql.js';
import { startService } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { LIFEPAY_SEED } from '../../src/sandbox/index.js';
import { LogCapture } from '../helpers/log-capture.js';
import { startTestService } from '../helpers/service.js';

/**
 * Sandbox documents must never reach the live vendor: sandbox mode keeps its own database,
 * and every document carries the mode that recorded it, so even a shared file is safe.
 */
describe('sandbox and live documents never meet', () => {
  let dataDir: string;
  let liveVendor: Server;
  let liveVendorUrl: string;
  const liveRequests: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-modes-'));
    // The "real" LifePay: records whatever reaches it and accepts it.
    liveVendor = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        liveRequests.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"message":"","data":{"uuid":"live-uuid"}}');
      });
    });
    await new Promise<void>((resolve) => liveVendor.listen(0, '127.0.0.1', () => resolve()));
    liveVendorUrl = `http://127.0.0.1:${(liveVendor.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => liveVendor.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The documents' next attempt is due now, as if the sandbox's retry time had come. */
  const makeDue = (file: string) => {
    const db = new DatabaseSync(join(dataDir, file));
    db.prepare("update vendor_documents set next_attempt_at = '2000-01-01T00:00:00.000Z'").run();
    db.close();
  };

  it('a sandbox document left pending is not sent by a live service on the same DATA_DIR', async () => {
    const logs = new LogCapture();
    const sandbox = await startService(
      loadConfig({
        VENDOR_MODE: 'sandbox',
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LIFEPAY_RETRY_SCHEDULE: '600',
        LIFEPAY_WORKER_POLL_MS: '50',
      }),
      logs.logger,
    );
    let extId: string;
    try {
      const response = await fetch(`${sandbox.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($s: String) { printXReport(input: { targetSerial: $s, extId: "shared-ext-1" }) { document { extId status } } }',
          variables: { s: LIFEPAY_SEED.flakyRegister },
        }),
      });
      const answer = (await response.json()) as { data: { printXReport: { document: { extId: string; status: string } } } };
      expect(answer.data.printXReport.document.status).toBe('RETRY_SCHEDULED');
      extId = answer.data.printXReport.document.extId;
    } finally {
      await sandbox.stop();
    }
    expect(existsSync(join(dataDir, 'sandbox.sqlite'))).toBe(true);
    makeDue('sandbox.sqlite');

    const live = await startTestService({
      env: { DATA_DIR: dataDir, LIFEPAY_BASE_URL: liveVendorUrl, LIFEPAY_RETRY_SCHEDULE: '1', LIFEPAY_WORKER_POLL_MS: '50' },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(liveRequests).toEqual([]);
      // Its own database: the sandbox extId is free in live mode.
      expect((await live.gql(FiscalDocumentDocument, { extId })).data?.fiscalDocument).toBeNull();
    } finally {
      await live.stop();
    }
  });

  it('even in one shared file, a document stamped sandbox is never sent to the live vendor', async () => {
    // The old layout: sandbox and live on one service.sqlite.
    copyFileSync(join(dataDir, 'sandbox.sqlite'), join(dataDir, 'service.sqlite'));
    makeDue('service.sqlite');
    const live = await startTestService({
      env: { DATA_DIR: dataDir, LIFEPAY_BASE_URL: liveVendorUrl, LIFEPAY_RETRY_SCHEDULE: '1', LIFEPAY_WORKER_POLL_MS: '50' },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(liveRequests).toEqual([]);
      expect(live.logs.text).toMatch(/1 pending X-report\(s\) .* were not recorded in live mode: they are never sent from here/);
      // Live documents still flow: the worker is running, it only skips the sandbox one.
      const own = await live.gql(PrintXReportDocument, { input: { extId: 'live-ext-1' } });
      expect(own.data?.printXReport.document.status).toBe('ACCEPTED');
      expect(liveRequests).toHaveLength(1);
      expect(JSON.parse(liveRequests[0]).ext_id).toBe('live-ext-1');
    } finally {
      await live.stop();
    }
  });
});

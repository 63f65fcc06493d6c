import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { SANDBOX_SQLITE_FILE } from '../../src/store/index.js';
import { LogCapture } from '../helpers/log-capture.js';
import { mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/sandbox-before-merchants.sqlite');

/**
 * The database release 1997fa7 wrote (see test/store/sqlite-before-merchants-file.test.ts for
 * what is in it), opened by today's service in sandbox mode: everything reads back through
 * GraphQL as `default`'s, and as nothing for the sandbox's second merchant.
 */
describe('a database made before merchants, served by today', () => {
  let dir: string;
  let service: RunningService;
  const gql = async (query: string, merchant?: string) => {
    const token = await mintToken({ scope: 'vendors:read', ...(merchant ? { merchant } : {}) });
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vendor-ops-before-merchants-'));
    copyFileSync(FIXTURE, join(dir, SANDBOX_SQLITE_FILE));
    const config = loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', AUTH_JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'warn' });
    service = await startService(config, new LogCapture().logger);
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads every kind of record back as default's, and none of them as shop-2's", async () => {
    const query = `{
      processed: fiscalDocument(extId: "FIXTURE-ACCEPTED") { status notification }
      failed: fiscalDocument(extId: "FIXTURE-FAILED") { status lastErrorCode }
      printed: printMessage(msgNo: "FIXTURE-PRINTED-1") { status printedAt }
      _entities(representations: [
        { __typename: "LogisticsOrder", orderId: "100012021107633" },
        { __typename: "FiscalRegister", serial: "00106304012797" }
      ]) { ... on LogisticsOrder { status cancelReason } ... on FiscalRegister { documents(limit: 10) { extId } } }
    }`;
    const mine = await gql(query);
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.processed).toMatchObject({ status: 'PROCESSED' });
    expect((mine.data?.processed as { notification: string | null }).notification).not.toBeNull();
    expect(mine.data?.failed).toMatchObject({ status: 'FAILED' });
    expect(mine.data?.printed).toMatchObject({ status: 'printed' });
    const [order, register] = mine.data?._entities as [{ status: string; cancelReason: string }, { documents: unknown[] }];
    expect(order.status).toBe('CANCELLED');
    expect(register.documents.length).toBeGreaterThan(0);

    const theirs = await gql(query, 'shop-2');
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data).toMatchObject({
      processed: null,
      failed: null,
      printed: null,
      _entities: [{ status: 'UNKNOWN', cancelReason: null }, { documents: [] }],
    });
  });
});

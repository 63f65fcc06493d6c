import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, inject } from 'vitest';
import type { Logger } from '../../src/observability/logger.js';
import { openStore, type Store } from '../../src/store/index.js';
import { LogCapture } from './log-capture.js';

export { startPostgresServer, type PostgresServer } from '../../scripts/postgres-server.js';

export interface TestDatabase {
  /** `postgres://…` of a database no other test uses. */
  url: string;
  drop(): Promise<void>;
}

async function onServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty PostgreSQL database on the test server (see test/global-postgres.ts). */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `vendor_ops_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`create database ${name}`));
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/**
 * A database of `dialect` per test (a SQLite DATA_DIR, or a fresh PostgreSQL database) and
 * `open()`, which opens one more connection to it, as another replica would. Everything opened
 * is closed and removed after each test. Call inside a `describe`.
 */
export function storesPerTest(
  dialect: 'sqlite' | 'postgres',
  options: { logger?: Logger } = {},
): { open(): Promise<Store>; opened: Store[] } {
  let root = '';
  let database: TestDatabase | undefined;
  const opened: Store[] = [];
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'vendor-ops-store-'));
    if (dialect === 'postgres') database = await freshDatabase();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(root, { recursive: true, force: true });
    await database?.drop();
    database = undefined;
  });
  return {
    opened,
    async open() {
      // A DATA_DIR that does not exist yet: opening creates it.
      const store = await openStore({
        dataDir: join(root, 'data'),
        databaseUrl: database?.url,
        logger: options.logger ?? new LogCapture().logger,
      });
      opened.push(store);
      return store;
    },
  };
}

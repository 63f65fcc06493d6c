import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { StartupError } from '../config.js';
import { systemReason } from '../errors/errors.js';
import type { Logger } from '../observability/logger.js';
import { MIGRATIONS } from './migrations.js';
import { kyselySqlite } from './node-sqlite.js';
import { localListen, localNotify, PostgresListener, checkChannel, type NotificationHandler, type Unlisten } from './notifications.js';
import type { Database } from './schema.js';
import { tracedDialect } from './traced.js';
import { guardedDialect, StoreUnavailableError } from './unavailable.js';
import type { Tracing } from '../observability/tracing.js';

export const SQLITE_FILE = 'service.sqlite';
/** Sandbox mode keeps its own file: its documents and extIds never meet live ones. */
export const SANDBOX_SQLITE_FILE = 'sandbox.sqlite';

/** The service's database. Domains query it through `db` (Kysely) only, never a driver. */
export interface Store {
  readonly db: Kysely<Database>;
  /** Where SQL differs (locks, notifications): `sqlite` for the embedded file, `postgres` for DATABASE_URL. */
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for logs (never holds credentials). */
  readonly location: string;
  /** True when a trivial query answers: the `/ready` check. */
  ping(): Promise<boolean>;
  /** PostgreSQL's pool, for /metrics; absent on SQLite. */
  connections?(): { inUse: number; idle: number; waiting: number };
  /**
   * Tells the listeners of `channel` that something changed (PostgreSQL NOTIFY: every replica;
   * SQLite: this process only, other processes find out by polling). Delivered after the call returns.
   */
  notify(channel: string, payload: string): Promise<void>;
  /** Calls `onNotify` for each notification on `channel`, and with `''` when some may have been missed. */
  listen(channel: string, onNotify: NotificationHandler): Promise<Unlisten>;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  /** The SQLite file in `dataDir`; `service.sqlite` by default. */
  file?: string;
  databaseUrl?: string;
  /** PostgreSQL connections this process may open (DATABASE_POOL_SIZE). */
  poolSize?: number;
  logger: Logger;
  /** A span per statement under the active recording span; absent = no tracing code in the driver. */
  tracing?: Tracing;
}

/**
 * Opens the database and brings its schema to the latest migration: PostgreSQL when
 * `databaseUrl` is set (several replicas share it), else the embedded SQLite file in
 * `dataDir`. Nothing outside this folder knows which one runs, except through `dialect`.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openSqlite(options);
}

async function openSqlite(options: StoreOptions): Promise<Store> {
  const location = resolve(join(options.dataDir, options.file ?? SQLITE_FILE));
  try {
    mkdirSync(options.dataDir, { recursive: true });
    if (!statSync(options.dataDir).isDirectory()) throw new Error('it is a file, not a folder');
    accessSync(options.dataDir, constants.W_OK);
  } catch (error) {
    throw new StartupError(`DATA_DIR (${resolve(options.dataDir)}) is not a writable folder: ${systemReason(error)}`, { cause: error });
  }
  let sqlite: DatabaseSync | undefined;
  let db: Kysely<Database>;
  try {
    // timeout (busy_timeout): a second process waits for a lock instead of failing.
    sqlite = new DatabaseSync(location, { timeout: 5000 });
    // WAL: readers never block the writer.
    sqlite.exec('PRAGMA journal_mode = WAL');
    sqlite.exec('PRAGMA synchronous = FULL');
    const connection = sqlite;
    db = new Kysely<Database>({
      dialect: tracedDialect(guardedDialect(new SqliteDialect({ database: kyselySqlite(connection) })), options.tracing, 'sqlite'),
    });
    // SQLite DDL is transactional and Kysely's SQLite adapter takes no lock of its own: one
    // write transaction around the migrations is the lock when two processes start at once.
    connection.exec('BEGIN IMMEDIATE');
    let ok = false;
    try {
      await migrate(db, options.logger);
      ok = true;
    } finally {
      connection.exec(ok ? 'COMMIT' : 'ROLLBACK');
    }
  } catch (error) {
    if (sqlite?.isOpen) sqlite.close();
    throw new StartupError(`The database ${location} (in DATA_DIR) cannot be opened: ${systemReason(error)}`, { cause: error });
  }
  options.logger.info({ database: location }, 'store: SQLite (WAL) ready');
  return storeOver(db, 'sqlite', location, {
    notify: async (channel, payload) => localNotify(location, channel, payload),
    listen: async (channel, onNotify) => localListen(location, channel, onNotify),
    close: async () => undefined,
  });
}

async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const location = withoutPassword(url);
  // Loaded only for PostgreSQL: a SQLite service does not pay its start-up time.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A database that does not answer must not hang a request or the start-up.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that dies (database restart) is replaced on the next query; without
  // a listener its error would end the process.
  const connectionFailed = (error: Error) =>
    options.logger.warn({ reason: postgresReason(error, url) }, 'store: a PostgreSQL connection failed');
  pool.on('error', connectionFailed);
  // The pool listens only to idle connections: one checked out when the server goes away (a
  // transaction between statements) would emit an unheard 'error' and end the process.
  pool.on('connect', (client) => client.on('error', connectionFailed));
  const db = new Kysely<Database>({ dialect: tracedDialect(guardedDialect(new PostgresDialect({ pool })), options.tracing, 'postgresql') });
  try {
    // Kysely takes a PostgreSQL advisory lock around the migrations: replicas starting together do not race.
    await migrate(db, options.logger);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StartupError(`DATABASE_URL (${location}) cannot be used: ${postgresReason(error, url)}`, { cause: error });
  }
  options.logger.info({ database: location, poolSize: options.poolSize ?? 10 }, 'store: PostgreSQL ready');
  // One more connection per process, outside the pool: LISTEN needs a session of its own.
  const listener = new PostgresListener({ url, logger: options.logger, describe: (error) => postgresReason(error, url) });
  return {
    ...storeOver(db, 'postgres', location, {
      notify: async (channel, payload) => {
        await sql`select pg_notify(${checkChannel(channel)}, ${payload})`.execute(db);
      },
      listen: (channel, onNotify) => listener.listen(channel, onNotify),
      close: () => listener.close(),
    }),
    connections: () => ({ inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

interface Notifications {
  notify(channel: string, payload: string): Promise<void>;
  listen(channel: string, onNotify: NotificationHandler): Promise<Unlisten>;
  close(): Promise<void>;
}

const PING_TIMEOUT_MS = 2_000;

function storeOver(db: Kysely<Database>, dialect: Store['dialect'], location: string, notifications: Notifications): Store {
  return {
    db,
    dialect,
    location,
    notify: (channel, payload) => notifications.notify(channel, payload),
    listen: (channel, onNotify) => notifications.listen(channel, onNotify),
    async ping() {
      // /ready must answer promptly even while the database hangs: no answer in time is "not ready".
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)));
      const answered = sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answered, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await notifications.close();
      await db.destroy();
    },
  };
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`: for logs and messages. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return 'an unparseable URL';
  }
}

const POSTGRES_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (is PostgreSQL running on that host and port?)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  '28P01': 'the password was refused',
  '28000': 'the user may not connect',
  '3D000': 'the database does not exist',
};

/** Why PostgreSQL could not be used, in a few words; the password never appears. */
function postgresReason(error: unknown, url: string): string {
  if (error instanceof StoreUnavailableError) return postgresReason(error.cause, url);
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' ? POSTGRES_REASONS[code] : undefined;
  const inner = (error as { errors?: unknown[] } | null)?.errors?.[0];
  const reason = known ?? (inner ? postgresReason(inner, url) : systemReason(error));
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // An unparseable URL has no password to hide.
  }
  return password ? reason.split(password).join('***') : reason;
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

async function migrate(db: Kysely<Database>, logger: Logger): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (applied.length > 0) logger.info({ migrations: applied }, 'store: migrations applied');
}

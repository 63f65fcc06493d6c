import type { Dialect } from 'kysely';
import { withDriverHooks } from './driver-hooks.js';
import { ServiceError } from '../errors/errors.js';

/** The database could not be reached: the caller may try again; no driver text reaches anyone. */
export class StoreUnavailableError extends ServiceError {
  constructor(cause: unknown) {
    super('SERVICE_UNAVAILABLE', "This service's database is unavailable; try again shortly", { retryable: true, cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Node's socket errors, PostgreSQL's connection-exception class (08) and its shutdown codes. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
]);
/** pg's own words for a connection that died or never came (it sets no code on these). */
const UNREACHABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed|Connection ended/i;
/** SQLite: locked past busy_timeout, or the disk failing under it. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL)/;

export function isStoreUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08') || SQLITE_UNAVAILABLE.test(code))) return true;
  return UNREACHABLE_MESSAGES.test(error.message);
}

const guard = async <T>(run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    throw isStoreUnreachable(error) ? new StoreUnavailableError(error) : error;
  }
};

/** `dialect` whose failures to reach the database are StoreUnavailableError, whatever the engine. */
export function guardedDialect(dialect: Dialect): Dialect {
  return withDriverHooks(dialect, { query: guard, step: guard });
}

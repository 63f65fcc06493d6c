import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from './auth/caller-auth.js';
import type { Logger } from './logger.js';

/** What every log line made while serving one request should carry. */
export interface RequestScope {
  requestId: string;
}

/** The part of every request's context the server builds; domains add their own slices. */
export interface BaseContext extends RequestScope {
  /** The verified caller; `null` when caller auth is off. */
  caller: Caller | null;
  log: Logger;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, run: () => T): T {
  return storage.run(scope, run);
}

/** The request being served, if any (vendor calls made by the outbox worker have none). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * Our own record of something the vendor already did (a cancel, a listing): when the database
 * fails here the vendor's success still stands, so the caller must not get an error for it.
 * Logged instead; `_entities` may then not know of it.
 */
export async function recordAfterVendor(ctx: BaseContext, what: string, record: () => Promise<unknown>): Promise<void> {
  try {
    await record();
  } catch (error) {
    ctx.log.warn({ err: error }, `${what} not recorded: the vendor's answer stands`);
  }
}

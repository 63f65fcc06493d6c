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

import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line made while serving one request should carry. */
export interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, run: () => T): T {
  return storage.run(scope, run);
}

/** The request being served, if any (vendor calls made by the outbox worker have none). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

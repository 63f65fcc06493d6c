import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's id (test/global-hygiene.ts): the value of TEST_RUN_VARIABLE in every process a test starts. */
    testRun: string;
  }
}

/**
 * Marks the processes tests start, so that the end of the run finds any left behind, even one
 * whose parent has exited (test/global-hygiene.ts).
 */
export const TEST_RUN_VARIABLE = 'VENDOR_OPS_TEST_RUN';

/**
 * The environment a test's child process starts from: none of the developer's shell but PATH and
 * HOME (no AUTH_JWT_SECRET, VENDOR_MODE, DATABASE_URL, … of theirs), plus this run's mark.
 */
export function childEnv(env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', [TEST_RUN_VARIABLE]: inject('testRun'), ...env };
}

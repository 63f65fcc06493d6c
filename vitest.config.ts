import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One copy of graphql: the ESM entry and the CJS entry would otherwise both load.
    alias: { graphql: require.resolve('graphql/index.js') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Hygiene first: its end-of-run check comes after PostgreSQL has stopped.
    globalSetup: ['test/global-hygiene.ts', 'test/global-postgres.ts'],
    // Stops what a failed test left running, at the end of each file (test/helpers/cleanup.ts).
    setupFiles: ['test/setup/file-end.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});

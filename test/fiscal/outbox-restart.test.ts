import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FiscalDocumentDocument, PrintXReportDocument } from '../__generated__/graphql.js';
import { LIFEPAY_SANDBOX_CREDENTIALS, LifepaySimulator, sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { openStore } from '../../src/store/index.js';
import { lifepayBodiesFor } from '../helpers/lifepay-sent.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { LogCapture } from '../helpers/log-capture.js';
import { eventually } from '../helpers/eventually.js';

/**
 * The real process, killed with SIGKILL (no shutdown hook runs) and started again on the
 * same DATA_DIR: the outbox must carry the document to ACCEPTED, with one vendor document.
 */
describe('the outbox across process restarts (the real entry point)', () => {
  let running: RunningSandbox;
  let dataDir: string;
  const children: ChildService[] = [];

  beforeAll(async () => {
    running = await startSandbox({ simulators: { lifepay: new LifepaySimulator({ callbackDelayMs: null }) } });
  });
  afterAll(() => running.sandbox.close());
  afterEach(async () => {
    for (const child of children.splice(0)) await child.stop();
    running.sandbox.clearFaults();
    running.simulators.lifepay.answerUnavailable(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string> = {}) => {
    const child = await spawnService({
      VENDOR_MODE: 'live',
      AUTH_DISABLED: 'true',
      DATA_DIR: dataDir,
      VENDOR_TIMEOUT_MS: '1000',
      ...sandboxEnv(running),
      LIFEPAY_RETRY_SCHEDULE: '1',
      LIFEPAY_WORKER_POLL_MS: '100',
      ...env,
    });
    children.push(child);
    return child;
  };
  const sent = (extId: string) => lifepayBodiesFor(running.sandbox, extId);
  const accepted = (child: ChildService, extId: string) =>
    eventually(
      async () => {
        const document = (await child.gql(FiscalDocumentDocument, { extId })).data?.fiscalDocument;
        return document?.status === 'ACCEPTED' && document;
      },
      { timeoutMs: 15_000, what: `${extId} ACCEPTED after restart` },
    );

  it('a RETRY_SCHEDULED document is ACCEPTED after kill -9 and restart', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-kill-'));
    running.simulators.lifepay.answerUnavailable(1000);
    const first = await start();
    const answer = await first.gql(PrintXReportDocument, { input: { extId: 'x-kill-scheduled' } });
    expect(answer.data?.printXReport.document.status).toBe('RETRY_SCHEDULED');
    await eventually(() => sent('x-kill-scheduled').length >= 2, { what: 'a background retry' });
    await first.kill9();
    expect(first.child.signalCode).toBe('SIGKILL');

    running.simulators.lifepay.answerUnavailable(0);
    const second = await start();
    const document = await accepted(second, 'x-kill-scheduled');
    expect(document.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const bodies = sent('x-kill-scheduled');
    expect(document.attempts).toBe(bodies.length);
    expect(new Set(bodies).size).toBe(1);
    expect(running.simulators.lifepay.documentsWithExtId('x-kill-scheduled')).toHaveLength(1);
    const output = [...first.output, ...second.output].join('');
    expect(output).toContain('LifePay X-report retry scheduled');
    expect(output).not.toContain(LIFEPAY_SANDBOX_CREDENTIALS.apiKey);
  });

  it('an attempt cut off mid-flight by kill -9 is retried once its lease expires', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-kill-'));
    // First attempt: 503 (RETRY_SCHEDULED). The worker's retry then hangs, and the process dies during it.
    running.sandbox.inject('/lifepay', { kind: 'status', status: 503 });
    running.sandbox.inject('/lifepay', { kind: 'hang', ms: 30_000 });
    const first = await start();
    const answer = await first.gql(PrintXReportDocument, { input: { extId: 'x-kill-in-flight' } });
    expect(answer.data?.printXReport.document.status).toBe('RETRY_SCHEDULED');
    await eventually(() => sent('x-kill-in-flight').length === 2, { intervalMs: 10, what: 'the retry in flight' });
    await first.kill9();
    const killedAt = Date.now();

    const second = await start();
    const meanwhile = (await second.gql(FiscalDocumentDocument, { extId: 'x-kill-in-flight' })).data?.fiscalDocument;
    // The dead process's lease (2 × VENDOR_TIMEOUT_MS + 1 s) still holds it, unless the restart took that long.
    if (Date.now() - killedAt < 2000) expect(meanwhile).toMatchObject({ status: 'SENDING', attempts: 2 });
    const document = await accepted(second, 'x-kill-in-flight');
    expect(document.attempts).toBe(3);
    const bodies = sent('x-kill-in-flight');
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    expect(running.simulators.lifepay.documentsWithExtId('x-kill-in-flight')).toHaveLength(1);
  });

  it('SIGTERM lets the attempt in flight finish and record its outcome, then exits 0', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-term-'));
    running.sandbox.inject('/lifepay', { kind: 'status', status: 503 });
    running.sandbox.inject('/lifepay', { kind: 'hang', ms: 600 }); // then answers 504, inside VENDOR_TIMEOUT_MS
    const child = await start();
    await child.gql(PrintXReportDocument, { input: { extId: 'x-sigterm' } });
    await eventually(() => sent('x-sigterm').length === 2, { intervalMs: 10, what: 'the retry in flight' });
    await child.stop();
    expect(child.child.exitCode).toBe(0);

    const store = await openStore({ dataDir, logger: new LogCapture().logger });
    try {
      const row = await store.db.selectFrom('vendor_documents').selectAll().where('ext_id', '=', 'x-sigterm').executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: 'RETRY_SCHEDULED',
        attempts: 2,
        lease_owner: null,
        last_error: expect.stringContaining('HTTP 504'),
      });
    } finally {
      await store.close();
    }
  });

  it('two processes on one database never send the same attempt twice', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-two-processes-'));
    const extIds = Array.from({ length: 16 }, (_, i) => `x-two-processes-${i}`);
    running.simulators.lifepay.answerUnavailable(extIds.length);
    // Polling every 10 ms, both see the same documents come due and race to claim them.
    const [a, b] = await Promise.all([
      start({ LIFEPAY_WORKER_POLL_MS: '10', LOG_LEVEL: 'debug' }),
      start({ LIFEPAY_WORKER_POLL_MS: '10', LOG_LEVEL: 'debug' }),
    ]);
    const scheduled = await Promise.all(extIds.map((extId, i) => (i % 2 === 0 ? a : b).gql(PrintXReportDocument, { input: { extId } })));
    expect(scheduled.map((answer) => answer.data?.printXReport.document.status)).toEqual(extIds.map(() => 'RETRY_SCHEDULED'));

    for (const extId of extIds) await accepted(a, extId);
    for (const extId of extIds) {
      expect(sent(extId)).toHaveLength(2);
      expect(new Set(sent(extId)).size).toBe(1);
      expect(running.simulators.lifepay.documentsWithExtId(extId)).toHaveLength(1);
      expect((await b.gql(FiscalDocumentDocument, { extId })).data?.fiscalDocument?.attempts).toBe(2);
    }
    const count = (child: ChildService, msg: string) =>
      child.output
        .join('')
        .split('\n')
        .filter((line) => line.includes(`"msg":"${msg}"`)).length;
    const retried = [a, b].map((child) => count(child, 'LifePay X-report accepted after retries'));
    expect(retried[0] + retried[1]).toBe(extIds.length);
    console.info(`two processes: retries sent ${retried.join(' + ')}`);
  });
});

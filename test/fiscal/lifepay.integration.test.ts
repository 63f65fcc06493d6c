import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FiscalDocumentDocument, FiscalRegisterDocumentsDocument, PrintXReportDocument } from '../__generated__/graphql.js';
import { LIFEPAY_SANDBOX_CREDENTIALS, LIFEPAY_SEED, LifepaySimulator, startSandbox } from '../../src/sandbox/index.js';
import { SQLITE_FILE } from '../../src/store/store.js';
import { freePort } from '../../scripts/free-port.js';
import { tempDir } from '../helpers/cleanup.js';
import { eventually } from '../helpers/eventually.js';
import { lifepayBodiesFor } from '../helpers/lifepay-sent.js';
import { startTestService, type TestService } from '../helpers/service.js';

type Sent = Record<string, unknown>;
const sentBodies = (t: TestService, extId?: string): Sent[] =>
  t.sandbox
    .requestsTo('/lifepay')
    .map((r) => JSON.parse(r.body) as Sent)
    .filter((body) => extId === undefined || body.ext_id === extId);

const fiscalDocument = async (t: TestService, extId: string) => (await t.gql(FiscalDocumentDocument, { extId })).data?.fiscalDocument;

describe('fiscal domain against the LifePay simulator (live mode, real HTTP)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    t.sandbox.clearFaults();
    t.simulators.lifepay.answerUnavailable(0);
    t.simulators.lifepay.answerUnavailableFor(0);
  });

  it('prints an X-report: ACCEPTED with a uuid, and LifePay saw apikey, login and ext_id', async () => {
    const answer = await t.gql(PrintXReportDocument, {
      input: { targetSerial: LIFEPAY_SEED.register, extId: 'x-ok-1', callbackData: { shift: 7 } },
    });
    expect(answer.errors).toBeUndefined();
    const document = answer.data!.printXReport.document;
    expect(document).toMatchObject({
      extId: 'x-ok-1',
      kind: 'X_REPORT',
      status: 'ACCEPTED',
      attempts: 1,
      test: false,
      nextAttemptAt: null,
      lastError: null,
      register: { serial: LIFEPAY_SEED.register },
    });
    expect(document.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const [sent] = sentBodies(t, 'x-ok-1');
    expect(sent).toEqual({
      apikey: LIFEPAY_SANDBOX_CREDENTIALS.apiKey,
      login: LIFEPAY_SANDBOX_CREDENTIALS.login,
      test: 0,
      target_serial: LIFEPAY_SEED.register,
      ext_id: 'x-ok-1',
      callback_data: { shift: 7 },
    });
    const request = t.sandbox.requestsTo('/lifepay').at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/cloud-print/create-x-report' });
    expect(request.headers['content-type']).toContain('application/json');
    expect(t.simulators.lifepay.documents.get(document.uuid!)).toMatchObject({ extId: 'x-ok-1', targetSerial: LIFEPAY_SEED.register });

    const stored = await fiscalDocument(t, 'x-ok-1');
    expect(stored).toMatchObject({
      extId: 'x-ok-1',
      uuid: document.uuid,
      status: 'ACCEPTED',
      callbackData: { shift: 7 },
      notification: null,
    });
  });

  it('generates an ext_id when the caller gives none, and uses LIFEPAY_LOGIN', async () => {
    const answer = await t.gql(PrintXReportDocument, { input: {} });
    const document = answer.data!.printXReport.document;
    expect(document.status).toBe('ACCEPTED');
    expect(document.register).toBeNull();
    expect(document.extId.length).toBeLessThanOrEqual(50);
    expect(sentBodies(t, document.extId)).toEqual([
      expect.objectContaining({ ext_id: document.extId, login: LIFEPAY_SANDBOX_CREDENTIALS.login }),
    ]);
  });

  it('the same extId twice yields the same document and uuid, and one vendor document', async () => {
    const input = { targetSerial: LIFEPAY_SEED.secondRegister, extId: 'x-twice' };
    const first = await t.gql(PrintXReportDocument, { input });
    const second = await t.gql(PrintXReportDocument, { input });
    expect(second.errors).toBeUndefined();
    expect(second.data!.printXReport.document.uuid).toBe(first.data!.printXReport.document.uuid);
    expect(second.data!.printXReport.document.attempts).toBe(1);
    expect(t.simulators.lifepay.documentsWithExtId('x-twice')).toHaveLength(1);

    const different = await t.gql(PrintXReportDocument, { input: { ...input, targetSerial: LIFEPAY_SEED.register } });
    expect(different.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { extId: [expect.stringContaining('already used')] },
    });
    expect(sentBodies(t, 'x-twice')).toHaveLength(1);
  });

  it("LifePay's idempotency returns the first uuid for a repeated ext_id", async () => {
    // Another system (or a lost database) sent this ext_id before: LifePay answers with its uuid.
    const earlier = await t.simulators.lifepay.handle({
      method: 'POST',
      path: '/cloud-print/create-x-report',
      query: new URLSearchParams(),
      headers: {},
      body: JSON.stringify({ apikey: LIFEPAY_SANDBOX_CREDENTIALS.apiKey, login: LIFEPAY_SANDBOX_CREDENTIALS.login, ext_id: 'x-elsewhere' }),
    });
    const uuid = (earlier.json as { data: { uuid: string } }).data.uuid;
    const answer = await t.gql(PrintXReportDocument, { input: { extId: 'x-elsewhere' } });
    expect(answer.data!.printXReport.document).toMatchObject({ status: 'ACCEPTED', uuid });
    expect(t.simulators.lifepay.documentsWithExtId('x-elsewhere')).toHaveLength(1);
  });

  it('an unknown serial gives BAD_USER_INPUT naming the field, and the document is FAILED', async () => {
    const answer = await t.gql(PrintXReportDocument, { input: { targetSerial: '00000000000000', extId: 'x-unknown-serial' } });
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      vendor: 'LIFEPAY',
      vendorCode: 400,
      retryable: false,
      fields: { targetSerial: ['Принтер не найден.'] },
    });
    expect(answer.errors?.[0]?.message).toBe('LifePay rejected the request data: targetSerial');
    expect(await fiscalDocument(t, 'x-unknown-serial')).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastError: expect.stringContaining('rejected'),
      lastErrorCode: 'BAD_USER_INPUT',
    });
  });

  it('maps login refusals and a forbidden feature to the vocabulary', async () => {
    const unknown = await t.gql(PrintXReportDocument, { input: { login: '79990009999', extId: 'x-6009' } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'VENDOR_AUTH_FAILED',
      vendor: 'LIFEPAY',
      vendorCode: 6009,
      retryable: false,
    });
    const forbidden = await t.gql(PrintXReportDocument, { input: { login: LIFEPAY_SEED.fiscalisationOffLogin, extId: 'x-6080' } });
    expect(forbidden.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', vendorCode: 6080 });
    const denied = await t.gql(PrintXReportDocument, { input: { login: LIFEPAY_SEED.noAccessLogin, extId: 'x-6095' } });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_AUTH_FAILED', vendorCode: 6095 });
    expect(await fiscalDocument(t, 'x-6080')).toMatchObject({ status: 'FAILED', lastErrorCode: 'FAILED_PRECONDITION' });
  });

  it('validates before recording or calling LifePay', async () => {
    const before = t.sandbox.requests.length;
    const long = await t.gql(PrintXReportDocument, { input: { extId: 'x'.repeat(51) } });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { extId: ['must be at most 50 characters'] } });
    const many = await t.gql(PrintXReportDocument, {
      input: { extId: '  ', login: '89990000001', callbackData: { blob: 'x'.repeat(9000) } },
    });
    expect(many.errors?.[0]?.extensions?.fields).toEqual({
      extId: ['must not be blank'],
      login: ['must be 11 digits starting with 7'],
      callbackData: ['must be at most 8192 bytes as JSON'],
    });
    expect(t.sandbox.requests.length).toBe(before);
    expect(await fiscalDocument(t, 'x'.repeat(51))).toBeNull();
  });

  it('test mode: ACCEPTED without a uuid', async () => {
    const answer = await t.gql(PrintXReportDocument, { input: { test: true, extId: 'x-test-mode' } });
    expect(answer.data!.printXReport.document).toMatchObject({ status: 'ACCEPTED', uuid: null, test: true });
    expect(sentBodies(t, 'x-test-mode')).toEqual([expect.objectContaining({ test: 1 })]);
    expect(t.simulators.lifepay.documentsWithExtId('x-test-mode')).toHaveLength(0);
  });

  it('503 twice: RETRY_SCHEDULED, then ACCEPTED after the retries, every attempt the same ext_id and body', async () => {
    t.simulators.lifepay.answerUnavailable(2);
    const started = Date.now();
    const answer = await t.gql(PrintXReportDocument, {
      input: { targetSerial: LIFEPAY_SEED.register, extId: 'x-503-twice', callbackData: ['a', 1] },
    });
    expect(answer.errors).toBeUndefined();
    const scheduled = answer.data!.printXReport.document;
    expect(scheduled).toMatchObject({ status: 'RETRY_SCHEDULED', attempts: 1, uuid: null, lastError: expect.stringContaining('HTTP 503') });
    // Schedule "1,1,2": the first retry one second after the first attempt.
    const next = Date.parse(scheduled.nextAttemptAt as string);
    expect(next - started).toBeGreaterThanOrEqual(900);
    expect(next - Date.now()).toBeLessThanOrEqual(1100);

    const accepted = await eventually(
      async () => {
        const document = await fiscalDocument(t, 'x-503-twice');
        return document?.status === 'ACCEPTED' && document;
      },
      { what: 'ACCEPTED' },
    );
    expect(accepted).toMatchObject({ attempts: 3, nextAttemptAt: null, lastError: null, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const bodies = lifepayBodiesFor(t.sandbox, 'x-503-twice');
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
    expect(t.simulators.lifepay.documentsWithExtId('x-503-twice')).toHaveLength(1);
    const progress = t.logs.records().filter((r) => r.msg === 'LifePay X-report retry scheduled' && r.extId === 'x-503-twice');
    expect(progress.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('an outage for a while (the time switch): retried with the same body until LifePay is back', async () => {
    t.simulators.lifepay.answerUnavailableFor(1500);
    const direct = await fetch(`${t.sandbox.baseUrl(t.simulators.lifepay)}/cloud-print/create-x-report`, { method: 'POST', body: '{}' });
    expect(direct.status).toBe(503);
    const answer = await t.gql(PrintXReportDocument, { input: { extId: 'x-outage-window' } });
    expect(answer.data!.printXReport.document).toMatchObject({ status: 'RETRY_SCHEDULED', attempts: 1 });
    const accepted = await eventually(
      async () => {
        const document = await fiscalDocument(t, 'x-outage-window');
        return document?.status === 'ACCEPTED' && document;
      },
      { what: 'ACCEPTED after the outage' },
    );
    const bodies = lifepayBodiesFor(t.sandbox, 'x-outage-window');
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    expect(accepted.attempts).toBe(bodies.length);
    expect(new Set(bodies).size).toBe(1);
    expect(t.simulators.lifepay.documentsWithExtId('x-outage-window')).toHaveLength(1);
  });

  it('the seeded flaky register answers 503 to the first two requests of an ext_id (the retry path for sandbox users)', async () => {
    const answer = await t.gql(PrintXReportDocument, { input: { targetSerial: LIFEPAY_SEED.flakyRegister, extId: 'x-flaky' } });
    expect(answer.data!.printXReport.document).toMatchObject({
      status: 'RETRY_SCHEDULED',
      attempts: 1,
      register: { serial: LIFEPAY_SEED.flakyRegister },
    });
    const accepted = await eventually(
      async () => {
        const document = await fiscalDocument(t, 'x-flaky');
        return document?.status === 'ACCEPTED' && document;
      },
      { what: 'x-flaky ACCEPTED' },
    );
    expect(accepted).toMatchObject({ attempts: 3, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(sentBodies(t, 'x-flaky')).toHaveLength(3);
  });

  it('a connection reset or a non-JSON 200 also schedules a retry, not an error', async () => {
    t.sandbox.inject('/lifepay', { kind: 'reset' });
    const reset = await t.gql(PrintXReportDocument, { input: { extId: 'x-reset' } });
    expect(reset.errors).toBeUndefined();
    expect(reset.data!.printXReport.document.status).toBe('RETRY_SCHEDULED');
    t.sandbox.inject('/lifepay', { kind: 'garbage' });
    const garbage = await t.gql(PrintXReportDocument, { input: { extId: 'x-garbage' } });
    expect(garbage.data!.printXReport.document.status).toBe('RETRY_SCHEDULED');
    for (const extId of ['x-reset', 'x-garbage']) {
      await eventually(async () => (await fiscalDocument(t, extId))?.status === 'ACCEPTED', { what: `${extId} ACCEPTED` });
    }
  });

  it('FiscalRegister.documents and both entities resolve by reference', async () => {
    const answer = await t.gql(FiscalRegisterDocumentsDocument, {
      representations: [
        { __typename: 'FiscalRegister', serial: LIFEPAY_SEED.register },
        { __typename: 'FiscalDocument', extId: 'x-ok-1' },
        { __typename: 'FiscalDocument', extId: 'no-such-document' },
      ],
    });
    expect(answer.errors).toBeUndefined();
    const [register, document, missing] = answer.data!._entities as Array<Record<string, unknown> | null>;
    const documents = register!.documents as Array<{ extId: string }>;
    expect(documents.map((d) => d.extId)).toEqual(expect.arrayContaining(['x-ok-1', 'x-503-twice']));
    expect(documents.every((d) => d.extId !== 'x-twice')).toBe(true); // that one went to the second register
    expect(document).toMatchObject({ extId: 'x-ok-1', status: 'ACCEPTED' });
    expect(missing).toBeNull();
  });

  it('is ready when the store answers', async () => {
    const response = await fetch(`${t.url}/ready`);
    expect(response.status).toBe(200);
  });

  it('never writes the apikey to logs, errors or the database', async () => {
    const apiKey = LIFEPAY_SANDBOX_CREDENTIALS.apiKey;
    expect(t.secrets).toContain(apiKey);
    expect(t.secrets.length).toBeGreaterThanOrEqual(3); // Feyin key, LifePay key, generated callback secret
    for (const secret of t.secrets) expect(t.logs.text).not.toContain(secret);
    const requests = await t.service.store.db.selectFrom('vendor_documents').select('request').execute();
    expect(requests.length).toBeGreaterThan(5);
    for (const { request } of requests) expect(request).not.toContain('apikey');
    const file = join(t.service.config.dataDir, SQLITE_FILE);
    for (const path of [file, `${file}-wal`]) {
      if (existsSync(path)) expect(readFileSync(path).includes(apiKey)).toBe(false);
    }
    const refused = await t.gql(PrintXReportDocument, { input: { login: '79990009998' } });
    expect(JSON.stringify(refused)).not.toContain(apiKey);
  });
});

describe('gives up after LIFEPAY_RETRY_MAX_AGE', () => {
  it('FAILED with the reason once the next attempt would be too late', async () => {
    const t = await startTestService({ env: { LIFEPAY_RETRY_MAX_AGE: '2' } });
    try {
      t.simulators.lifepay.answerUnavailable(100);
      const answer = await t.gql(PrintXReportDocument, { input: { extId: 'x-max-age' } });
      expect(answer.data!.printXReport.document.status).toBe('RETRY_SCHEDULED');
      const failed = await eventually(
        async () => {
          const document = await fiscalDocument(t, 'x-max-age');
          return document?.status === 'FAILED' && document;
        },
        { what: 'FAILED' },
      );
      expect(failed.lastError).toMatch(/^Gave up after 2 attempts over LIFEPAY_RETRY_MAX_AGE \(2 s\); last: .*HTTP 503/);
      expect(failed.attempts).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(sentBodies(t, 'x-max-age')).toHaveLength(2);
    } finally {
      await t.stop();
    }
  });
});

describe('live mode without LifePay credentials', () => {
  it('answers VENDOR_NOT_CONFIGURED, records nothing and calls nobody', async () => {
    const t = await startTestService({ env: { LIFEPAY_API_KEY: '' } });
    try {
      const answer = await t.gql(PrintXReportDocument, { input: { extId: 'x-unconfigured' } });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor: 'LIFEPAY' });
      expect(answer.errors?.[0]?.message).toContain('LIFEPAY_API_KEY');
      expect(await fiscalDocument(t, 'x-unconfigured')).toBeNull();
      expect(t.sandbox.requestsTo('/lifepay')).toHaveLength(0);
    } finally {
      await t.stop();
    }
  });
});

describe('LifePay callbacks', () => {
  let t: TestService;
  let publicUrl: string;
  let dataDir: string;
  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-callbacks-'));
    t = await startTestService({ env: { PORT: String(port), PUBLIC_URL: publicUrl, DATA_DIR: dataDir } });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const callbackUrlSent = (extId: string) => sentBodies(t, extId)[0]?.callback_url as string;

  it('sends PUBLIC_URL/callbacks/lifepay/<extId>/<token>; the callback is stored verbatim and the document PROCESSED', async () => {
    const answer = await t.gql(PrintXReportDocument, { input: { extId: 'x-callback', callbackData: { order: 'A-1' } } });
    expect(answer.data!.printXReport.document.status).toBe('ACCEPTED');
    const url = callbackUrlSent('x-callback');
    expect(url).toMatch(new RegExp(`^${publicUrl}/callbacks/lifepay/x-callback/[A-Za-z0-9_-]{32}$`));
    expect(url.length).toBeLessThanOrEqual(255);
    // The simulator posts its notification shortly after accepting.
    const processed = await eventually(
      async () => {
        const document = await fiscalDocument(t, 'x-callback');
        return document?.status === 'PROCESSED' && document;
      },
      { what: 'PROCESSED' },
    );
    expect(t.simulators.lifepay.callbacksSent).toEqual([{ url, status: 200 }]);
    expect(JSON.parse(processed.notification!)).toMatchObject({
      ext_id: 'x-callback',
      status: 'processed',
      callback_data: { order: 'A-1' },
      uuid: processed.uuid,
    });
    expect(processed.notifiedAt).toMatch(/^\d{4}-/);

    // Verbatim: whatever bytes arrive are what is stored.
    const raw = 'status=processed&uuid=abc ÄÖ';
    const again = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: raw });
    expect(again.status).toBe(200);
    expect((await fiscalDocument(t, 'x-callback'))?.notification).toBe(raw);
    for (const secret of t.secrets) expect(t.logs.text).not.toContain(secret);
  });

  it('a wrong token gets 404, a body over 64 kB gets 413', async () => {
    await t.gql(PrintXReportDocument, { input: { extId: 'x-callback-2' } });
    const url = callbackUrlSent('x-callback-2');
    const local = url.replace(publicUrl, t.url);
    const wrong = await fetch(local.replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), { method: 'POST', body: '{}' });
    expect(wrong.status).toBe(404);
    const otherDocument = await fetch(local.replace('x-callback-2', 'x-callback'), { method: 'POST', body: '{}' });
    expect(otherDocument.status).toBe(404);
    const big = await fetch(local, { method: 'POST', body: 'x'.repeat(64 * 1024 + 1) });
    expect(big.status).toBe(413);
    const fits = await fetch(local, { method: 'POST', body: 'x'.repeat(64 * 1024) });
    expect(fits.status).toBe(200);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/vendor_callbacks_total\{vendor="LIFEPAY",outcome="not_found"\} [2-9]/);
    expect(metrics).toMatch(/vendor_callbacks_total\{vendor="LIFEPAY",outcome="too_large"\} 1\b/);
    expect(metrics).toMatch(/vendor_callbacks_total\{vendor="LIFEPAY",outcome="accepted"\} [1-9]/);
  });

  it('stores a replayed callback once and keeps at most 20 per document', async () => {
    await t.gql(PrintXReportDocument, { input: { extId: 'x-callback-replay' } });
    const local = callbackUrlSent('x-callback-replay').replace(publicUrl, t.url);
    await eventually(async () => (await fiscalDocument(t, 'x-callback-replay'))?.status === 'PROCESSED', { what: 'PROCESSED' });
    const stored = async () => {
      const row = await t.service.store.db
        .selectFrom('vendor_notifications')
        .innerJoin('vendor_documents', 'vendor_documents.id', 'vendor_notifications.document_id')
        .where('vendor_documents.ext_id', '=', 'x-callback-replay')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    };
    expect(await stored()).toBe(1); // the simulator's own callback
    for (let i = 0; i < 50; i += 1)
      expect((await fetch(local, { method: 'POST', body: '{"status":"processed","replay":true}' })).status).toBe(200);
    expect(await stored()).toBe(2);
    for (let i = 0; i < 30; i += 1) expect((await fetch(local, { method: 'POST', body: `{"n":${i}}` })).status).toBe(200);
    expect(await stored()).toBe(20);
    expect(t.logs.text).toContain('this document has the most callbacks kept');
  });

  it('the generated secret survives a restart: URLs already given to LifePay stay valid', async () => {
    const url = callbackUrlSent('x-callback');
    const port = new URL(publicUrl).port;
    await t.stop();
    t = await startTestService({ env: { PORT: port, PUBLIC_URL: publicUrl, DATA_DIR: dataDir } });
    // fetch may first pick a pooled keep-alive socket of the stopped server: retry once that fails.
    const response = await eventually(() => fetch(url, { method: 'POST', body: '{"after":"restart"}' }).catch(() => undefined), {
      what: 'the restarted service',
    });
    expect(response.status).toBe(200);
    expect((await fiscalDocument(t, 'x-callback'))?.notification).toBe('{"after":"restart"}');
  });
});

describe('a PUBLIC_URL too long for LifePay', () => {
  it('warns at start-up and sends documents whose callback_url would exceed 255 characters without one', async () => {
    const publicUrl = `https://vendor-ops.example.com/${'p'.repeat(150)}`;
    // No callbacks: that host must not be contacted from a test.
    const t = await startTestService({
      env: { PUBLIC_URL: publicUrl },
      simulators: { lifepay: new LifepaySimulator({ callbackDelayMs: null }) },
    });
    try {
      expect(t.logs.records().some((r) => r.level === 40 && String(r.msg).startsWith('PUBLIC_URL is too long for LifePay'))).toBe(true);
      const long = 'l'.repeat(50);
      await t.gql(PrintXReportDocument, { input: { extId: 'x-short' } });
      await t.gql(PrintXReportDocument, { input: { extId: long } });
      expect(sentBodies(t, 'x-short')[0]?.callback_url).toMatch(/^https:\/\/vendor-ops\.example\.com\/p+\/callbacks\/lifepay\/x-short\//);
      expect(sentBodies(t, long)[0]).not.toHaveProperty('callback_url');
      expect(await fiscalDocument(t, long)).toMatchObject({ status: 'ACCEPTED' });
    } finally {
      await t.stop();
    }
  });
});

describe('two workers on one database', () => {
  it('never send the same attempt twice', async () => {
    const running = await startSandbox({ simulators: { lifepay: new LifepaySimulator({ callbackDelayMs: null }) } });
    const dataDir = tempDir('vendor-ops-two-workers-');
    const env = { DATA_DIR: dataDir, LIFEPAY_RETRY_SCHEDULE: '1', LIFEPAY_WORKER_POLL_MS: '10' };
    const a = await startTestService({ sandbox: running, env });
    const b = await startTestService({ sandbox: running, env });
    try {
      const extIds = Array.from({ length: 12 }, (_, i) => `x-race-${i}`);
      running.simulators.lifepay.answerUnavailable(extIds.length);
      for (const extId of extIds) {
        const answer = await a.gql(PrintXReportDocument, { input: { extId } });
        expect(answer.data!.printXReport.document.status).toBe('RETRY_SCHEDULED');
      }
      for (const extId of extIds) {
        await eventually(async () => (await fiscalDocument(b, extId))?.status === 'ACCEPTED', { what: `${extId} ACCEPTED` });
      }
      for (const extId of extIds) {
        expect(sentBodies(a, extId)).toHaveLength(2);
        expect((await fiscalDocument(a, extId))?.attempts).toBe(2);
      }
      // Both workers took part; neither duplicated the other's attempt.
      const retriesBy = (t: TestService) => t.logs.records().filter((r) => r.msg === 'LifePay X-report accepted after retries').length;
      expect(retriesBy(a) + retriesBy(b)).toBe(extIds.length);
    } finally {
      await a.stop();
      await b.stop();
      await running.sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

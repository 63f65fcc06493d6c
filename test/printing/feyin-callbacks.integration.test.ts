import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatFeyinTime } from '../../src/printing/feyin-callback.js';
import { secretFor, type FeyinSignedType } from '../../src/printing/feyin-callback-signer.js';
import { FEYIN_SANDBOX_CREDENTIALS, FEYIN_SEED, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';

const KEY = FEYIN_SANDBOX_CREDENTIALS.apiKey;
const MESSAGE = 'query($m: ID!) { printMessage(msgNo: $m) { msgNo status printedAt } }';
const PRINTER = 'query($d: ID!) { printer(deviceNo: $d) { deviceNo status paperStatus since } }';

const signed = (msgType: FeyinSignedType, payload: Record<string, string>, key = KEY) => ({
  msg_type: msgType,
  payload: { ...payload, secret: secretFor(msgType, payload, key) },
});
const printedNow = (msgNo: string, at = new Date()) =>
  signed('msg_printed', { device_no: FEYIN_SEED.onlinePrinter, msg_no: msgNo, print_time: formatFeyinTime(at) });

async function post(t: TestService, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${t.url}/callbacks/feyin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Every `entity_changed` payload this service's store delivers. */
async function changes(t: TestService): Promise<string[]> {
  const seen: string[] = [];
  await t.service.store.listen('entity_changed', (payload) => seen.push(payload));
  return seen;
}

const printedRow = (t: TestService, msgNo: string) =>
  t.service.store.db.selectFrom('feyin_printed_messages').selectAll().where('msg_no', '=', msgNo).executeTakeFirst();

describe('Feyin callbacks at POST /callbacks/feyin (live mode, real HTTP)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());
  beforeEach(() => t.sandbox.clearFaults());

  it('a signed msg_printed is acknowledged, stored, announced, and printMessage answers printed although Feyin still says queued', async () => {
    const msgNo = 'CB-PRINTED-1';
    t.simulators.feyin.addMessage(msgNo);
    const before = await t.gql<{ printMessage: { status: string; printedAt: string | null } }, { m: string }>(MESSAGE, { m: msgNo });
    expect(before.data?.printMessage).toMatchObject({ status: 'queued', printedAt: null });

    const seen = await changes(t);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000);
    expect(await post(t, printedNow(msgNo, at))).toEqual({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    expect(await printedRow(t, msgNo)).toMatchObject({ device_no: FEYIN_SEED.onlinePrinter, printed_at: at.toISOString() });
    await eventually(() => seen.length > 0, { what: 'an entity_changed notification' });
    expect(seen).toEqual([`default:PrintMessage:${msgNo}`]);

    // The simulator has not printed it: only the callback says so.
    expect(t.simulators.feyin.messages.get(msgNo)?.status).toBe('queued');
    const after = await t.gql(MESSAGE, { m: msgNo });
    expect(after.data).toEqual({ printMessage: { msgNo, status: 'printed', printedAt: at.toISOString() } });
    const entities = await t.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on PrintMessage { msgNo status printedAt } } }',
      {
        r: [{ __typename: 'PrintMessage', msgNo }],
      },
    );
    expect(entities.data).toEqual({ _entities: [{ msgNo, status: 'printed', printedAt: at.toISOString() }] });
  });

  it('answers printed from the store when Feyin cannot be reached', async () => {
    const msgNo = 'CB-PRINTED-OUTAGE';
    t.simulators.feyin.addMessage(msgNo);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect((await post(t, printedNow(msgNo, at))).status).toBe(200);
    t.sandbox.inject('/feyin', { kind: 'status', status: 503 }, 5);
    const answer = await t.gql(MESSAGE, { m: msgNo });
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ printMessage: { msgNo, status: 'printed', printedAt: at.toISOString() } });
    // Without a report, the outage is the caller's answer, as before.
    t.sandbox.inject('/feyin', { kind: 'status', status: 503 }, 5);
    const other = await t.gql(MESSAGE, { m: FEYIN_SEED.queuedMessages[0] });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
  });

  it('applies an identical replay once: the row keeps its updated_at, nothing is announced again', async () => {
    const msgNo = 'CB-REPLAY-1';
    const callback = printedNow(msgNo);
    const seen = await changes(t);
    expect((await post(t, callback)).status).toBe(200);
    const first = await printedRow(t, msgNo);
    await eventually(() => seen.length > 0, { what: 'an entity_changed notification' });
    expect(seen).toEqual([`default:PrintMessage:${msgNo}`]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await post(t, callback)).toEqual({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    // A later print_time for the same message is not a new printout either.
    expect((await post(t, printedNow(msgNo, new Date(Date.now() + 1000)))).status).toBe(200);
    expect(await printedRow(t, msgNo)).toEqual(first);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([`default:PrintMessage:${msgNo}`]);
  });

  const refusals: Array<[string, () => unknown, number, string]> = [
    [
      'a wrong secret',
      () => signed('msg_printed', { device_no: 'D1', msg_no: 'CB-FORGED', print_time: formatFeyinTime(new Date()) }, 'guessed-key'),
      401,
      'bad_secret',
    ],
    [
      'no secret',
      () => ({ msg_type: 'msg_printed', payload: { device_no: 'D1', msg_no: 'CB-FORGED', print_time: formatFeyinTime(new Date()) } }),
      401,
      'missing_secret',
    ],
    ['a print_time older than CALLBACK_MAX_AGE', () => printedNow('CB-FORGED', new Date(Date.now() - 301_000)), 400, 'stale'],
    ['a print_time far ahead', () => printedNow('CB-FORGED', new Date(Date.now() + 3_600_000)), 400, 'stale'],
    ['malformed JSON', () => '{"msg_type": "msg_printed", "payload": {', 400, 'malformed'],
    ['an unknown msg_type', () => ({ msg_type: 'msg_vanished', payload: {} }), 400, 'unknown_type'],
    [
      'a missing field',
      () => ({
        msg_type: 'msg_printed',
        payload: { msg_no: 'CB-FORGED', print_time: formatFeyinTime(new Date()), secret: 'a'.repeat(32) },
      }),
      400,
      'missing_field',
    ],
    ['a body over 64 kB', () => JSON.stringify({ msg_type: 'heartbeat', pad: 'x'.repeat(65 * 1024) }), 413, 'too_large'],
  ];
  for (const [what, body, status, reason] of refusals) {
    it(`refuses ${what} with ${status}, stores and announces nothing`, async () => {
      const seen = await changes(t);
      const answer = await post(t, body());
      expect(answer).toEqual({ status, body: { errcode: status, errmsg: reason } });
      expect(await printedRow(t, 'CB-FORGED')).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`vendor_callbacks_total\\{vendor="FEYIN",outcome="${reason}"\\} [1-9]`));
    });
  }

  it('device_status: the printer query answers the reported status when Feyin fails, and a newer one than Feyin gives', async () => {
    const deviceNo = FEYIN_SEED.onlinePrinter;
    const seen = await changes(t);
    const status = { device_no: deviceNo, online_status: 'offline', paper_status: 'lack' };
    expect(await post(t, signed('device_status', status))).toEqual({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    await eventually(() => seen.length > 0, { what: 'an entity_changed notification' });
    expect(seen).toEqual([`default:Printer:${deviceNo}`]);

    // Feyin's own status (since a day ago) is older than the report: the report wins.
    const newer = await t.gql<{ printer: Record<string, unknown> }, { d: string }>(PRINTER, { d: deviceNo });
    expect(newer.data?.printer).toMatchObject({ deviceNo, status: 'offline', paperStatus: 'lack' });

    t.sandbox.inject('/feyin', { kind: 'status', status: 503 }, 5);
    const during = await t.gql<{ printer: Record<string, unknown> }, { d: string }>(PRINTER, { d: deviceNo });
    expect(during.errors).toBeUndefined();
    expect(during.data?.printer).toMatchObject({ deviceNo, status: 'offline', paperStatus: 'lack' });
    t.sandbox.clearFaults();

    // The same status again changes nothing and announces nothing.
    expect((await post(t, signed('device_status', status))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([`default:Printer:${deviceNo}`]);

    // Feyin's status changing after the report (a later `since`) wins again.
    const printer = t.simulators.feyin.printers.get(deviceNo)!;
    Object.assign(printer, { status: 'online', paperStatus: 'nomal', since: Date.now() + 2000 });
    const later = await t.gql<{ printer: Record<string, unknown> }, { d: string }>(PRINTER, { d: deviceNo });
    expect(later.data?.printer).toMatchObject({ status: 'online', paperStatus: 'nomal' });
  });

  it('acknowledges heartbeat and signed auth_added / auth_removed, and logs them', async () => {
    expect(await post(t, { msg_type: 'heartbeat' })).toEqual({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    const auth = { uid: 'member-7', appid: 'sandbox-app', time: formatFeyinTime(new Date()) };
    expect((await post(t, signed('auth_added', auth))).status).toBe(200);
    expect((await post(t, signed('auth_removed', auth))).status).toBe(200);
    expect((await post(t, signed('auth_removed', auth, 'guessed-key'))).status).toBe(401);
    expect((await post(t, signed('auth_added', { ...auth, time: formatFeyinTime(new Date(Date.now() - 3_600_000)) }))).status).toBe(400);
    const logged = t.logs.records().filter((r) => r.msg === 'Feyin callback: app authorisation changed');
    expect(logged.map((r) => r.msgType)).toEqual(['auth_added', 'auth_removed']);
  });

  it('publishes PrintMessage:<msgNo> after a successful cancel, and nothing after a refused one', async () => {
    const msgNo = 'CB-CANCEL-1';
    t.simulators.feyin.addMessage(msgNo);
    const seen = await changes(t);
    const cancel = 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }';
    expect((await t.gql(cancel, { m: msgNo })).data).toEqual({ cancelPrintMessage: { cancelled: true } });
    await eventually(() => seen.length > 0, { what: 'an entity_changed notification' });
    expect(seen).toEqual([`default:PrintMessage:${msgNo}`]);
    expect((await t.gql(cancel, { m: msgNo })).errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([`default:PrintMessage:${msgNo}`]);
  });

  it('never logs the secret, the key or the body', async () => {
    const callback = printedNow('CB-HYGIENE-1');
    const forged = signed('msg_printed', { ...callback.payload, msg_no: 'CB-HYGIENE-2' }, 'another-secret-key');
    await post(t, callback);
    await post(t, forged);
    for (const secret of [KEY, callback.payload.secret, forged.payload.secret, 'another-secret-key', ...t.secrets]) {
      expect(t.logs.text).not.toContain(secret);
    }
    expect(t.logs.text).toContain('Feyin callback refused');
  });
});

describe('Feyin callback state shared by replicas and kept across restarts', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const shared = async (env: Record<string, string>) => {
    const sandbox: RunningSandbox = await startSandbox();
    cleanups.push(() => sandbox.sandbox.close());
    const a = await startTestService({ env, sandbox });
    cleanups.push(() => a.stop());
    const b = await startTestService({ env, sandbox });
    cleanups.push(() => b.stop());
    return { a, b };
  };

  it('a callback to one instance reads printed through another on the same SQLite file, and after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-feyin-cb-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const { a, b } = await shared({ DATA_DIR: dataDir });
    const msgNo = FEYIN_SEED.queuedMessages[1];
    expect((await post(a, printedNow(msgNo))).status).toBe(200);
    const answer = await b.gql<{ printMessage: { status: string; printedAt: string } }, { m: string }>(MESSAGE, { m: msgNo });
    expect(answer.data?.printMessage).toMatchObject({ msgNo, status: 'printed' });
    await a.stop();
    const c = await startTestService({ env: { DATA_DIR: dataDir } });
    cleanups.push(() => c.stop());
    expect((await c.gql(MESSAGE, { m: msgNo })).data).toMatchObject({ printMessage: { status: 'printed' } });
  });

  it('on PostgreSQL: the callback on one replica is read and announced on the other', async () => {
    const database: TestDatabase = await freshDatabase();
    cleanups.push(() => database.drop());
    const { a, b } = await shared({ DATABASE_URL: database.url });
    const seenOnB = await changes(b);
    const msgNo = FEYIN_SEED.queuedMessages[2];
    expect((await post(a, printedNow(msgNo))).status).toBe(200);
    await eventually(() => seenOnB.length > 0, { what: 'an entity_changed notification' });
    expect(seenOnB).toEqual([`default:PrintMessage:${msgNo}`]);
    const answer = await b.gql<{ printMessage: { status: string } }, { m: string }>(MESSAGE, { m: msgNo });
    expect(answer.data?.printMessage).toMatchObject({ msgNo, status: 'printed' });
    // The replay through the other replica changes nothing.
    const row = await printedRow(a, msgNo);
    expect((await post(b, printedNow(msgNo))).status).toBe(200);
    expect(await printedRow(b, msgNo)).toEqual(row);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import {
  FEYIN_SANDBOX_CREDENTIALS,
  FEYIN_SEED,
  FeyinSimulator,
  startSandbox,
  type FeyinSimulatorOptions,
} from '../../src/sandbox/index.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';

const MESSAGE = 'query($m: ID!) { printMessage(msgNo: $m) { msgNo status printedAt } }';
const PRINTER = 'query($d: ID!) { printer(deviceNo: $d) { deviceNo status paperStatus } }';

/** The Feyin simulator's own API, as a Feyin client would call it. */
async function feyinApi(baseUrl: string) {
  const { memberCode, apiKey, appId } = FEYIN_SANDBOX_CREDENTIALS;
  const token = (await (await fetch(`${baseUrl}/token?code=${memberCode}&secret=${apiKey}&appid=${appId}`)).json()) as {
    access_token: string;
  };
  return async (body: unknown, accessToken = token.access_token) => {
    const response = await fetch(`${baseUrl}/msg?access_token=${accessToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Record<string, unknown>;
  };
}

describe('the sandbox: Feyin prints what is sent and calls back, signed, to the service', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A service in sandbox mode whose Feyin simulator runs with `feyin` options (short delays for tests). */
  async function sandboxService(feyin: FeyinSimulatorOptions) {
    const dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-feyin-sandbox-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const running = await startSandbox({ simulators: { feyin: new FeyinSimulator(feyin) } });
    cleanups.push(() => running.sandbox.close());
    const logs = new LogCapture();
    const service: RunningService = await startService(
      loadConfig({ VENDOR_MODE: 'sandbox', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' }),
      logs.logger,
      { sandbox: running },
    );
    cleanups.push(() => service.stop());
    const gql = async <T>(query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: T; errors?: Array<{ extensions?: Record<string, unknown> }> };
    };
    return {
      service,
      running,
      feyin: running.simulators.feyin,
      logs,
      gql,
      send: await feyinApi(running.sandbox.baseUrl(running.simulators.feyin)),
    };
  }

  it('a message sent to the simulator prints after the delay, the msg_printed callback is accepted, and printMessage reads printed', async () => {
    const s = await sandboxService({ printDelayMs: 150 });
    expect(s.feyin.callbackUrl).toBe(`${s.service.url}/callbacks/feyin`);
    const seen: string[] = [];
    await s.service.store.listen('entity_changed', (payload) => seen.push(payload));

    const sent = await s.send({ device_no: FEYIN_SEED.onlinePrinter, msg_content: 'Order 17: 2 x noodles' });
    const msgNo = String(sent.msg_no);
    expect(msgNo).toMatch(/^[0-9A-F]{32}$/);
    const queued = await s.gql<{ printMessage: { status: string } }>(MESSAGE, { m: msgNo });
    expect(queued.data?.printMessage.status).toBe('queued');

    await eventually(() => s.feyin.callbacksSent.length > 0, { what: 'the msg_printed callback' });
    expect(s.feyin.callbacksSent).toEqual([{ msgType: 'msg_printed', url: `${s.service.url}/callbacks/feyin`, status: 200 }]);
    await eventually(() => seen.length > 0, { what: 'the announcement' });
    expect(seen).toEqual([`default:PrintMessage:${msgNo}`]);
    const row = await s.service.store.db
      .selectFrom('feyin_printed_messages')
      .selectAll()
      .where('msg_no', '=', msgNo)
      .executeTakeFirstOrThrow();
    expect(row.printed_at).toBe(new Date(Math.floor(s.feyin.messages.get(msgNo)!.printedAt! / 1000) * 1000).toISOString());
    const printed = await s.gql<{ printMessage: { status: string; printedAt: string } }>(MESSAGE, { m: msgNo });
    expect(printed.data?.printMessage).toEqual({ msgNo, status: 'printed', printedAt: row.printed_at });
    // The sandbox's key, never logged.
    expect(s.logs.text).not.toContain(FEYIN_SANDBOX_CREDENTIALS.apiKey);
  });

  it('keeps a message queued on an offline printer, and refuses what Feyin refuses', async () => {
    const s = await sandboxService({ printDelayMs: 50 });
    const sent = await s.send({ device_no: FEYIN_SEED.offlinePrinter, msg_content: 'waits' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(s.feyin.messages.get(String(sent.msg_no))?.status).toBe('queued');
    expect(s.feyin.callbacksSent).toEqual([]);

    expect(await s.send({ msg_content: 'no printer' })).toEqual({ errcode: 40001, errmsg: 'invalid parameter' });
    expect(await s.send({ device_no: FEYIN_SEED.onlinePrinter })).toEqual({ errcode: 40001, errmsg: 'invalid parameter' });
    expect(await s.send({ device_no: '4699999999999999', msg_content: 'x' })).toEqual({ errcode: 40002, errmsg: 'invalid device' });
    expect(await s.send({ device_no: FEYIN_SEED.onlinePrinter, msg_content: 'x' }, 'not-a-token')).toEqual({
      errcode: 40014,
      errmsg: 'invalid access_token',
    });
    expect(await s.send({ device_no: FEYIN_SEED.onlinePrinter, msg_no: String(sent.msg_no), msg_content: 'again' })).toEqual({
      errcode: 40001,
      errmsg: 'invalid parameter',
    });
    // The printer comes online: the queued message prints and is called back.
    s.feyin.setPrinterStatus(FEYIN_SEED.offlinePrinter, { status: 'online', paperStatus: 'nomal' });
    await eventually(() => s.feyin.callbacksSent.some((c) => c.msgType === 'msg_printed'), { what: 'the printout' });
    expect(s.feyin.callbacksSent.map((c) => [c.msgType, c.status])).toEqual([
      ['device_status', 200],
      ['msg_printed', 200],
    ]);
  });

  it('printers change status now and then when asked, each change called back and answered by the printer query', async () => {
    const s = await sandboxService({ printDelayMs: null, statusChangeEveryMs: 100 });
    await eventually(() => s.feyin.callbacksSent.length >= 2, { what: 'two device_status callbacks' });
    expect(s.feyin.callbacksSent.slice(0, 2).map((c) => [c.msgType, c.status])).toEqual([
      ['device_status', 200],
      ['device_status', 200],
    ]);
    s.feyin.close();
    const { status, paperStatus } = s.feyin.printers.get(FEYIN_SEED.offlinePrinter)!;
    await eventually(async () => {
      const row = await s.service.store.db.selectFrom('feyin_printer_states').selectAll().executeTakeFirst();
      return row?.online_status === status && row.paper_status === paperStatus;
    });
    // Feyin's status call fails: the printer query answers what the last callback said.
    s.running.sandbox.inject('/feyin', { kind: 'status', status: 503 }, 5);
    const answer = await s.gql<{ printer: Record<string, unknown> }>(PRINTER, { d: FEYIN_SEED.offlinePrinter });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.printer).toEqual({ deviceNo: FEYIN_SEED.offlinePrinter, status, paperStatus });
  });

  it('no callbacks without a callback URL or with printing off (tests and live mode)', async () => {
    const feyin = new FeyinSimulator({ printDelayMs: 20 });
    const running = await startSandbox({ simulators: { feyin } });
    cleanups.push(() => running.sandbox.close());
    const send = await feyinApi(running.sandbox.baseUrl(feyin));
    const sent = await send({ device_no: FEYIN_SEED.onlinePrinter, msg_content: 'x' });
    await eventually(() => feyin.messages.get(String(sent.msg_no))?.status === 'printed', { what: 'the printout' });
    expect(feyin.callbacksSent).toEqual([]);
  });
});

// FEYIN_POLL_INTERVAL against the Feyin simulator over real HTTP, with no callback URL set (a
// deployment Feyin cannot reach): changes made at the simulator reach subscribers through one
// replica's polling only. SQLite for one replica, PostgreSQL for two.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FeyinSimulator, FEYIN_SANDBOX_CREDENTIALS, FEYIN_SEED, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { subscriber, type Subscriber } from '../helpers/subscriber.js';

const PRINTER = 'subscription($d: ID!) { printerUpdated(deviceNo: $d) { deviceNo status paperStatus } }';
const MESSAGE = 'subscription($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status printedAt } }';
type PrinterEvent = { printerUpdated: { deviceNo: string; status: string | null; paperStatus: string | null } };
type MessageEvent = { printMessageUpdated: { msgNo: string; status: string | null; printedAt: string | null } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const POLLING = { FEYIN_POLL_INTERVAL: '1' };

/** Requests the simulated Feyin received to `path` (token-carrying calls only: the service's reads). */
const readsOf = (running: { sandbox: RunningSandbox['sandbox'] }, path: string) =>
  running.sandbox.requestsTo('/feyin').filter((request) => request.path === path).length;

/** How many reads of `path` arrive during `ms`. */
async function readsDuring(running: { sandbox: RunningSandbox['sandbox'] }, path: string, ms: number): Promise<number> {
  const before = readsOf(running, path);
  await sleep(ms);
  return readsOf(running, path) - before;
}

const gaugeValue = async (t: TestService) => (await t.service.metrics.feyinPolledKeys.get()).values[0]?.value ?? 0;
const pollReads = async (t: TestService, outcome: string) =>
  (await t.service.metrics.feyinPollReads.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

describe('Feyin polling (FEYIN_POLL_INTERVAL), one replica on SQLite', () => {
  const clients: Subscriber[] = [];
  const services: TestService[] = [];
  const client = (t: TestService) => {
    const made = subscriber(t.url);
    clients.push(made);
    return made;
  };
  const start = async (options: Parameters<typeof startTestService>[0]) => {
    const t = await startTestService(options);
    services.push(t);
    return t;
  };
  afterEach(async () => {
    for (const made of clients.splice(0)) await made.dispose();
    for (const t of services.splice(0)) await t.stop();
  });

  it('is off by default: a watched printer is read once, for its first state, and never polled', async () => {
    const t = await start({});
    const path = `/device/${FEYIN_SEED.onlinePrinter}/status`;
    const sub = client(t).subscribe<PrinterEvent>(PRINTER, { d: FEYIN_SEED.onlinePrinter });
    await eventually(() => sub.events.length === 1, { what: 'the first state' });
    expect(await readsDuring(t, path, 2500)).toBe(0);
    expect(readsOf(t, '/devices')).toBe(0);
    expect(await gaugeValue(t)).toBe(0);
    expect(t.logs.text).not.toMatch(/poll lease/);
  });

  it('a printer change made without a callback reaches a printerUpdated subscriber within two intervals', async () => {
    const t = await start({ env: POLLING });
    const sub = client(t).subscribe<PrinterEvent>(PRINTER, { d: FEYIN_SEED.onlinePrinter });
    await eventually(() => sub.events.length === 1, { what: 'the first state' });
    expect(sub.events[0]!.printerUpdated).toMatchObject({ status: 'online', paperStatus: 'nomal' });
    // Polled at least once, so the change below comes after the poller's baseline.
    await eventually(async () => (await pollReads(t, 'changed')) + (await pollReads(t, 'unchanged')) > 0, { what: 'a first poll' });
    t.simulators.feyin.setPrinterStatus(FEYIN_SEED.onlinePrinter, { paperStatus: 'lack' });
    const changedAt = Date.now();
    await eventually(() => sub.events.length === 2, { what: 'the polled change', timeoutMs: 5000 });
    expect(Date.now() - changedAt).toBeLessThan(2500);
    expect(sub.events[1]!.printerUpdated).toMatchObject({ status: 'online', paperStatus: 'lack' });
    // No callback was involved: the simulator has no callback URL.
    expect(t.simulators.feyin.callbacksSent).toEqual([]);
    expect(await gaugeValue(t)).toBe(1);
    expect(t.logs.text).toMatch(/this replica holds the poll lease/);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^feyin_polled_keys 1$/m);
    expect(metrics).toMatch(/^feyin_poll_reads_total\{outcome="changed"\} [1-9]/m);
  }, 30_000);

  it('a message printed at Feyin without a callback completes printMessageUpdated; then the message is not read again', async () => {
    const feyin = new FeyinSimulator({ printDelayMs: 1500 });
    const t = await start({ simulators: { feyin }, env: POLLING });
    const msgNo = await sendMessage(t.sandbox.baseUrl(feyin));
    const path = `/msg/${msgNo}/status`;
    const sub = client(t).subscribe<MessageEvent>(MESSAGE, { m: msgNo });
    expect(await sub.ended).toBe('complete');
    expect(sub.events.map((e) => e.printMessageUpdated.status)).toEqual(['queued', 'printed']);
    expect(sub.events[1]!.printMessageUpdated.printedAt).not.toBeNull();
    expect(feyin.callbacksSent).toEqual([]);
    expect(await readsDuring(t, path, 2500)).toBe(0);
    await eventually(async () => (await gaugeValue(t)) === 0, { what: 'no key polled' });
  }, 30_000);

  it('a key whose last subscriber leaves stops being polled', async () => {
    const t = await start({ env: POLLING });
    const msgNo = FEYIN_SEED.queuedMessages[0]!;
    const path = `/msg/${msgNo}/status`;
    const first = client(t).subscribe<MessageEvent>(MESSAGE, { m: msgNo });
    const second = client(t).subscribe<MessageEvent>(MESSAGE, { m: msgNo });
    await eventually(() => first.events.length === 1 && second.events.length === 1, { what: 'first states' });
    // Watched: read about once a second.
    expect(await readsDuring(t, path, 2500)).toBeGreaterThanOrEqual(2);
    first.unsubscribe();
    expect(await readsDuring(t, path, 1500)).toBeGreaterThanOrEqual(1);
    second.unsubscribe();
    await sleep(1100);
    expect(await readsDuring(t, path, 2500)).toBe(0);
    expect(await gaugeValue(t)).toBe(0);
    const rows = await t.service.store.db.selectFrom('watched_keys').selectAll().execute();
    expect(rows).toEqual([]);
  }, 30_000);

  it("several printers of one merchant cost one GET /devices per round, made with that merchant's own Feyin account", async () => {
    const t = await start({ env: POLLING });
    t.simulators.feyin.printers.set('4600000000000003', {
      status: 'online',
      paperStatus: 'nomal',
      since: Date.now(),
      lastConnectedAt: Date.now(),
    });
    const printers = [FEYIN_SEED.onlinePrinter, FEYIN_SEED.offlinePrinter, '4600000000000003'];
    const made = client(t);
    const subs = printers.map((d) => made.subscribe<PrinterEvent>(PRINTER, { d }));
    await eventually(() => subs.every((s) => s.events.length === 1), { what: 'first states' });
    await sleep(1500);
    const statusReads = () => printers.reduce((sum, d) => sum + readsOf(t, `/device/${d}/status`), 0);
    const [devicesBefore, statusBefore] = [readsOf(t, '/devices'), statusReads()];
    await sleep(4000);
    const devices = readsOf(t, '/devices') - devicesBefore;
    // One round a second: 4 in 4 s, give or take one at each end.
    expect(devices).toBeGreaterThanOrEqual(3);
    expect(devices).toBeLessThanOrEqual(5);
    // Nothing changed, so nothing was announced: no per-printer read at all.
    expect(statusReads() - statusBefore).toBe(0);
    // Calls made with default's member token only.
    const tokens = t.sandbox.requestsTo('/feyin').filter((r) => r.path === '/token');
    expect(new Set(tokens.map((r) => r.query.get('code')))).toEqual(new Set([FEYIN_SANDBOX_CREDENTIALS.memberCode]));
    t.simulators.feyin.setPrinterStatus('4600000000000003', { status: 'offline' });
    await eventually(() => subs[2]!.events.length === 2, { what: 'the change of the third printer', timeoutMs: 5000 });
    expect(subs[2]!.events[1]!.printerUpdated.status).toBe('offline');
    expect(subs[0]!.events).toHaveLength(1);
  }, 30_000);

  it('Feyin down: rounds go on without an unhandled rejection, one warning per failure streak, and the next change still arrives', async () => {
    const t = await start({ env: POLLING });
    const sub = client(t).subscribe<PrinterEvent>(PRINTER, { d: FEYIN_SEED.onlinePrinter });
    await eventually(() => sub.events.length === 1, { what: 'the first state' });
    // A whole round done (its first read of the printer is announced, and re-read by the subscriber) before Feyin goes down.
    await eventually(async () => (await pollReads(t, 'changed')) >= 1, { what: 'the first round' });
    await sleep(300);
    const failedBefore = await pollReads(t, 'failed');
    // Feyin answers 503 (VENDOR_UNAVAILABLE) for three rounds or more, then recovers.
    t.sandbox.inject('/feyin', { kind: 'status', status: 503 }, 1000);
    await eventually(async () => (await pollReads(t, 'failed')) - failedBefore >= 3, { what: 'three failed reads', timeoutMs: 10_000 });
    t.sandbox.clearFaults();
    await eventually(() => /Feyin answers again/.test(t.logs.text), { what: 'the recovery line', timeoutMs: 5000 });
    const warnings = t.logs.text.split('\n').filter((line) => /Feyin polling/.test(line));
    expect(
      warnings.filter((line) => /reading watched messages and printers failed/.test(line)),
      warnings.join('\n'),
    ).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/"code":"VENDOR_UNAVAILABLE"/);
    t.simulators.feyin.setPrinterStatus(FEYIN_SEED.onlinePrinter, { status: 'error' });
    await eventually(() => sub.events.length === 2, { what: 'the change after the outage', timeoutMs: 5000 });
    expect(sub.events[1]!.printerUpdated.status, JSON.stringify([sub.events, sub.errors])).toBe('error');
  }, 30_000);

  it('in sandbox mode the simulated Feyin does not call back, and GraphiQL-style subscribers see its changes by polling', async () => {
    const t = await start({ env: { ...POLLING, VENDOR_MODE: 'sandbox' } });
    const own = t.service.sandbox!;
    const sub = client(t).subscribe<PrinterEvent>(PRINTER, { d: FEYIN_SEED.offlinePrinter });
    await eventually(() => sub.events.length === 1, { what: 'the first state' });
    await eventually(async () => (await gaugeValue(t)) === 1, { what: 'the printer polled' });
    own.simulators.feyin.setPrinterStatus(FEYIN_SEED.offlinePrinter, { status: 'online', paperStatus: 'nomal' });
    await eventually(() => sub.events.length === 2, { what: 'the polled change', timeoutMs: 5000 });
    expect(sub.events[1]!.printerUpdated).toMatchObject({ status: 'online', paperStatus: 'nomal' });
    expect(own.simulators.feyin.callbackUrl).toBeUndefined();
    expect(own.simulators.feyin.callbacksSent).toEqual([]);
  }, 30_000);
});

describe('Feyin polling, two replicas on PostgreSQL', () => {
  let database: TestDatabase;
  let running: RunningSandbox;
  const clients: Subscriber[] = [];
  afterAll(async () => {
    for (const made of clients) await made.dispose();
    await running?.sandbox.close();
    await database?.drop();
  });

  it('only the lease holder polls; when it stops, the other takes over and its subscribers still get changes', async () => {
    database = await freshDatabase();
    // One vendor for both replicas, as in live mode.
    running = await startSandbox();
    const env = { ...POLLING, DATABASE_URL: database.url };
    const a = await startTestService({ sandbox: running, env });
    const b = await startTestService({ sandbox: running, env });
    try {
      const printer = FEYIN_SEED.onlinePrinter;
      const path = `/device/${printer}/status`;
      const subs = [a, b].map((t) => {
        const made = subscriber(t.url);
        clients.push(made);
        return made.subscribe<PrinterEvent>(PRINTER, { d: printer });
      });
      await eventually(() => subs.every((s) => s.events.length === 1), { what: 'first states' });
      const holder = await eventually(
        async () => {
          const [ga, gb] = [await gaugeValue(a), await gaugeValue(b)];
          return ga + gb === 1 ? (ga === 1 ? a : b) : undefined;
        },
        { what: 'one replica polling the key' },
      );
      const other = holder === a ? b : a;
      await sleep(1000);
      // One read a second for both replicas' subscribers, not two.
      const reads = await readsDuring(running, path, 4000);
      expect(reads).toBeGreaterThanOrEqual(3);
      expect(reads).toBeLessThanOrEqual(5);
      expect(await gaugeValue(other)).toBe(0);
      expect(other.logs.text).not.toMatch(/this replica holds the poll lease/);

      // A change reaches the subscribers of both replicas.
      running.simulators.feyin.setPrinterStatus(printer, { paperStatus: 'lack' });
      await eventually(() => subs.every((s) => s.events.length === 2), { what: 'the change on both replicas', timeoutMs: 5000 });

      // The holder stops (a deploy): it gives the lease up, and the other polls from its next round.
      await holder.stop();
      const stoppedAt = Date.now();
      await eventually(async () => (await gaugeValue(other)) === 1, { what: 'the other replica polling', timeoutMs: 5000 });
      expect(Date.now() - stoppedAt).toBeLessThan(3000);
      expect(other.logs.text).toMatch(/this replica holds the poll lease/);
      const remaining = subs[holder === a ? 1 : 0]!;
      running.simulators.feyin.setPrinterStatus(printer, { status: 'offline' });
      await eventually(() => remaining.events.length === 3, { what: 'the change after the takeover', timeoutMs: 5000 });
      expect(remaining.events[2]!.printerUpdated.status).toBe('offline');
      const after = await readsDuring(running, path, 3000);
      expect(after).toBeGreaterThanOrEqual(2);
      expect(after).toBeLessThanOrEqual(4);
      expect(running.simulators.feyin.callbacksSent).toEqual([]);
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 60_000);
});

/** `POST /msg` at the simulated Feyin as a client of the account would: the printer prints it a little later. */
async function sendMessage(baseUrl: string): Promise<string> {
  const { memberCode, apiKey } = FEYIN_SANDBOX_CREDENTIALS;
  const token = (await (await fetch(`${baseUrl}/token?code=${memberCode}&secret=${apiKey}`)).json()) as { access_token: string };
  const sent = await fetch(`${baseUrl}/msg?access_token=${token.access_token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device_no: FEYIN_SEED.onlinePrinter, msg_content: 'polling test' }),
  });
  return ((await sent.json()) as { msg_no: string }).msg_no;
}

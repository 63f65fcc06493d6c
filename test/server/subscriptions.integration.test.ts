import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../../scripts/free-port.js';
import { formatFeyinTime } from '../../src/printing/feyin-callback.js';
import { secretFor } from '../../src/printing/feyin-callback-signer.js';
import { FEYIN_SANDBOX_CREDENTIALS, FEYIN_SEED, LIFEPAY_SEED, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { subscriber, type Subscriber } from '../helpers/subscriber.js';
import { mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const MESSAGE_UPDATED = 'subscription($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status printedAt } }';
const DOCUMENT_UPDATED = 'subscription($e: ID!) { fiscalDocumentUpdated(extId: $e) { extId status attempts } }';
const CANCEL = 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }';
const X_REPORT = 'mutation($i: PrintXReportInput!) { printXReport(input: $i) { document { extId status } } }';

type MessageEvent = { printMessageUpdated: { msgNo: string; status: string | null; printedAt: string | null } };
type DocumentEvent = { fiscalDocumentUpdated: { extId: string; status: string; attempts: number } };

async function openSubscriptions(t: TestService): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('graphql_subscriptions_open{transport="graphql-ws"}'));
  return Number(line?.split(' ')[1] ?? NaN);
}

describe('graphql-ws subscriptions on /graphql (auth off, real sockets)', () => {
  let t: TestService;
  const clients: Subscriber[] = [];
  const client = (params?: Record<string, unknown>) => {
    const made = subscriber(t.url, params);
    clients.push(made);
    return made;
  };
  beforeAll(async () => {
    t = await startTestService();
  });
  afterEach(async () => {
    for (const made of clients.splice(0)) await made.dispose();
  });
  afterAll(() => t.stop());

  it('sends the current state first; a cancel is seen as cancelled, then the subscription completes', async () => {
    const msgNo = 'SUB-CANCEL-1';
    t.simulators.feyin.addMessage(msgNo);
    const sub = client().subscribe<MessageEvent>(MESSAGE_UPDATED, { m: msgNo });
    await eventually(() => sub.events.length === 1, { what: 'the first event' });
    expect(sub.events[0].printMessageUpdated).toMatchObject({ msgNo, status: 'queued', printedAt: null });

    expect((await t.gql(CANCEL, { m: msgNo })).data).toEqual({ cancelPrintMessage: { cancelled: true } });
    expect(await sub.ended).toBe('complete');
    expect(sub.events.map((e) => e.printMessageUpdated.status)).toEqual(['queued', 'cancelled']);
    expect(sub.errors).toEqual([]);
    await eventually(async () => (await openSubscriptions(t)) === 0, { what: 'the gauge back to 0' });
  });

  it('a signed Feyin msg_printed callback is seen as printed, then the subscription completes', async () => {
    const msgNo = 'SUB-PRINTED-1';
    t.simulators.feyin.addMessage(msgNo);
    const sub = client().subscribe<MessageEvent>(MESSAGE_UPDATED, { m: msgNo });
    await eventually(() => sub.events.length === 1, { what: 'the first event' });
    const payload = { device_no: FEYIN_SEED.onlinePrinter, msg_no: msgNo, print_time: formatFeyinTime(new Date()) };
    const signed = {
      msg_type: 'msg_printed',
      payload: { ...payload, secret: secretFor('msg_printed', payload, FEYIN_SANDBOX_CREDENTIALS.apiKey) },
    };
    const answer = await fetch(`${t.url}/callbacks/feyin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signed),
    });
    expect(answer.status).toBe(200);
    expect(await sub.ended).toBe('complete');
    expect(sub.events).toHaveLength(2);
    expect(sub.events[1].printMessageUpdated).toMatchObject({ msgNo, status: 'printed' });
    expect(sub.events[1].printMessageUpdated.printedAt).not.toBeNull();
  });

  it('an X-report to the flaky register is seen as RETRY_SCHEDULED, then ACCEPTED', async () => {
    const extId = 'sub-flaky-1';
    const sub = client().subscribe<DocumentEvent>(DOCUMENT_UPDATED, { e: extId });
    // Unknown yet: no first event, but the subscription is open and waiting.
    await eventually(async () => (await openSubscriptions(t)) === 1, { what: 'the subscription open' });
    const printed = await t.gql(X_REPORT, { i: { extId, targetSerial: LIFEPAY_SEED.flakyRegister } });
    expect(printed.data).toMatchObject({ printXReport: { document: { extId, status: 'RETRY_SCHEDULED' } } });
    await eventually(() => sub.events.some((e) => e.fiscalDocumentUpdated.status === 'ACCEPTED'), { what: 'ACCEPTED', timeoutMs: 15_000 });
    const statuses = sub.events.map((e) => e.fiscalDocumentUpdated.status);
    expect(statuses[0]).toBe('RETRY_SCHEDULED');
    expect(statuses.at(-1)).toBe('ACCEPTED');
    expect(new Set(statuses).size).toBeGreaterThanOrEqual(2);
    expect(sub.events.at(-1)!.fiscalDocumentUpdated.attempts).toBe(3);
    sub.unsubscribe();
    await eventually(async () => (await openSubscriptions(t)) === 0, { what: 'the gauge back to 0' });
  });

  it("a printer's status change (Feyin's device_status callback) is seen as an event; the printer stays subscribed", async () => {
    t.simulators.feyin.callbackUrl = `${t.url}/callbacks/feyin`;
    const deviceNo = FEYIN_SEED.onlinePrinter;
    type PrinterEvent = { printerUpdated: { deviceNo: string; status: string | null; paperStatus: string | null } };
    const sub = client().subscribe<PrinterEvent>('subscription($d: ID!) { printerUpdated(deviceNo: $d) { deviceNo status paperStatus } }', {
      d: deviceNo,
    });
    await eventually(() => sub.events.length === 1, { what: 'the first event' });
    expect(sub.events[0].printerUpdated).toMatchObject({ deviceNo, status: 'online', paperStatus: 'nomal' });
    t.simulators.feyin.setPrinterStatus(deviceNo, { paperStatus: 'lack' });
    await eventually(() => sub.events.length === 2, { what: 'the change' });
    expect(sub.events[1].printerUpdated).toMatchObject({ deviceNo, status: 'online', paperStatus: 'lack' });
    t.simulators.feyin.setPrinterStatus(deviceNo, { paperStatus: 'nomal' });
    await eventually(() => sub.events.length === 3, { what: 'the change back' });
    expect(t.service.server.subscriptions?.size).toBe(1);
    sub.unsubscribe();
  });

  it('upgrades /graphql only', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/elsewhere`, 'graphql-transport-ws');
    const refused = await new Promise<string>((resolve) => socket.on('error', (error) => resolve(error.message)));
    expect(refused).toMatch(/404/);
  });

  it('refuses a malformed id with BAD_USER_INPUT before reading anything', async () => {
    const sub = client().subscribe(MESSAGE_UPDATED, { m: 'has space' });
    expect(await sub.ended).toBe('complete');
    expect(sub.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
  });

  it('refuses queries over WebSocket, with code and retryable', async () => {
    const sub = client().subscribe('{ printMessage(msgNo: "x") { msgNo } }');
    expect(await sub.ended).toBe('error');
    expect(sub.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
  });

  it('frees everything when a socket with 200 subscriptions drops', async () => {
    const made = client();
    const watchersBefore = t.service.entityChanges.size;
    for (let i = 0; i < 200; i++) made.subscribe(MESSAGE_UPDATED, { m: FEYIN_SEED.queuedMessages[i % 3] });
    await eventually(async () => (await openSubscriptions(t)) === 200, { what: '200 open subscriptions' });
    expect(t.service.entityChanges.size).toBe(watchersBefore + 200);
    (await made.socket).terminate();
    await eventually(async () => (await openSubscriptions(t)) === 0, { what: 'the gauge back to 0' });
    await eventually(() => t.service.entityChanges.size === watchersBefore, { what: 'no watcher left' });
    expect(t.service.server.subscriptions?.size).toBe(0);
  });
});

describe('graphql-ws and LifePay callbacks (PUBLIC_URL set)', () => {
  let t: TestService;
  let made: Subscriber;
  beforeAll(async () => {
    const port = await freePort();
    t = await startTestService({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await made?.dispose();
    await t.stop();
  });

  it("an X-report is seen ACCEPTED, then PROCESSED on LifePay's callback, then the subscription completes", async () => {
    const extId = 'sub-callback-1';
    made = subscriber(t.url);
    const sub = made.subscribe<DocumentEvent>(DOCUMENT_UPDATED, { e: extId });
    await eventually(() => t.service.server.subscriptions?.size === 1, { what: 'the subscription open' });
    expect((await t.gql(X_REPORT, { i: { extId } })).data).toMatchObject({ printXReport: { document: { status: 'ACCEPTED' } } });
    expect(await sub.ended).toBe('complete');
    // ACCEPTED, then PROCESSED 200 ms later (the simulator's delay); a busy machine may coalesce the two: events are states.
    const statuses = sub.events.map((e) => e.fiscalDocumentUpdated.status);
    expect(statuses.at(-1)).toBe('PROCESSED');
    expect(statuses.filter((status) => status !== 'ACCEPTED' && status !== 'PROCESSED')).toEqual([]);
  });
});

describe('graphql-ws bounds: limits, SUBSCRIPTIONS_MAX, stop', () => {
  let t: TestService;
  const clients: Subscriber[] = [];
  beforeAll(async () => {
    t = await startTestService({ env: { SUBSCRIPTIONS_MAX: '2', MAX_QUERY_COST: '5', MAX_QUERY_DEPTH: '2' } });
  });
  afterAll(async () => {
    for (const made of clients.splice(0)) await made.dispose();
    await t.stop();
  });

  it('refuses an over-cost and an over-depth subscription document', async () => {
    const made = subscriber(t.url);
    clients.push(made);
    const costly = made.subscribe(MESSAGE_UPDATED, { m: 'x' });
    expect(await costly.ended).toBe('error');
    expect(costly.errors[0]?.message).toMatch(/cost/i);
    expect(costly.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
    const deep = made.subscribe('subscription { fiscalDocumentUpdated(extId: "x") { register { serial } } }');
    expect(await deep.ended).toBe('error');
    expect(deep.errors[0]?.message).toMatch(/levels deep/);
    expect(deep.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', retryable: false });
  });

  it('refuses the subscription past SUBSCRIPTIONS_MAX with SERVICE_UNAVAILABLE, retryable', async () => {
    const made = subscriber(t.url);
    clients.push(made);
    const first = made.subscribe(DOCUMENT_UPDATED, { e: 'max-1' });
    const second = made.subscribe(DOCUMENT_UPDATED, { e: 'max-2' });
    await eventually(() => t.service.server.subscriptions?.size === 2, { what: 'two open' });
    const third = made.subscribe(DOCUMENT_UPDATED, { e: 'max-3' });
    expect(await third.ended).toBe('error');
    expect(third.errors[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    // A place freed is a place taken again.
    first.unsubscribe();
    await eventually(() => t.service.server.subscriptions?.size === 1, { what: 'one freed' });
    const fourth = made.subscribe(DOCUMENT_UPDATED, { e: 'max-4' });
    await eventually(() => t.service.server.subscriptions?.size === 2, { what: 'two open again' });
    expect(fourth.errors).toEqual([]);
    second.unsubscribe();
    fourth.unsubscribe();
  });

  it('on stop, an open subscription sees its socket close with 1001', async () => {
    const made = subscriber(t.url);
    clients.push(made);
    await eventually(() => t.service.server.subscriptions?.size === 0, { what: 'nothing open' });
    const sub = made.subscribe(DOCUMENT_UPDATED, { e: 'stop-1' });
    await eventually(() => t.service.server.subscriptions?.size === 1, { what: 'open' });
    const stopping = t.service.server.stop();
    expect(await made.closed).toBe(1001);
    expect(await sub.ended).toBe(1001);
    await stopping;
  });
});

describe('graphql-ws caller auth (connection_init)', () => {
  let t: TestService;
  const clients: Subscriber[] = [];
  const client = (params?: Record<string, unknown>) => {
    const made = subscriber(t.url, params);
    clients.push(made);
    return made;
  };
  beforeAll(async () => {
    t = await startTestService({ env: { AUTH_DISABLED: 'false', AUTH_JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterEach(async () => {
    for (const made of clients.splice(0)) await made.dispose();
  });
  afterAll(() => t.stop());

  it('closes a connection without a token, or with a bad one, with 4401', async () => {
    const none = client();
    none.subscribe(MESSAGE_UPDATED, { m: 'x' });
    expect(await none.closed).toBe(4401);
    const bad = client({ Authorization: 'Bearer not-a-jwt' });
    bad.subscribe(MESSAGE_UPDATED, { m: 'x' });
    expect(await bad.closed).toBe(4401);
  });

  it('answers FORBIDDEN to a token without vendors:read, before reading anything', async () => {
    const token = await mintToken({ scope: 'printing:write' });
    const sub = client({ Authorization: `Bearer ${token}` }).subscribe(MESSAGE_UPDATED, { m: FEYIN_SEED.queuedMessages[0] });
    expect(await sub.ended).toBe('complete');
    expect(sub.events).toEqual([]);
    expect(sub.errors[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', retryable: false });
  });

  it('serves a token with vendors:read, and closes the socket (4401) when the token expires', async () => {
    const token = await mintToken({ scope: 'vendors:read', expiresIn: '2s' });
    const made = client({ Authorization: `Bearer ${token}` });
    const sub = made.subscribe<MessageEvent>(MESSAGE_UPDATED, { m: FEYIN_SEED.queuedMessages[1] });
    await eventually(() => sub.events.length === 1, { what: 'the first event' });
    expect(sub.events[0].printMessageUpdated.status).toBe('queued');
    expect(await made.closed).toBe(4401);
    await eventually(() => t.service.server.subscriptions?.size === 0, { what: 'nothing open' });
  });
});

describe('graphql-ws behind the router (ROUTER_SECRET set)', () => {
  const routerSecret = 'router-secret-for-subscription-tests';
  let t: TestService;
  const clients: Subscriber[] = [];
  beforeAll(async () => {
    t = await startTestService({ env: { ROUTER_SECRET: routerSecret } });
  });
  afterAll(async () => {
    for (const made of clients.splice(0)) await made.dispose();
    await t.stop();
  });

  it('closes a connection without router-authorization with 4401, and serves one that presents it', async () => {
    const without = subscriber(t.url);
    const wrong = subscriber(t.url, { 'router-authorization': 'guess' });
    const routed = subscriber(t.url, { 'router-authorization': routerSecret });
    clients.push(without, wrong, routed);
    without.subscribe(MESSAGE_UPDATED, { m: 'x' });
    wrong.subscribe(MESSAGE_UPDATED, { m: 'x' });
    expect(await without.closed).toBe(4401);
    expect(await wrong.closed).toBe(4401);
    const sub = routed.subscribe<MessageEvent>(MESSAGE_UPDATED, { m: FEYIN_SEED.queuedMessages[2] });
    await eventually(() => sub.events.length === 1, { what: 'the first event' });
    expect(sub.events[0].printMessageUpdated.status).toBe('queued');
  });
});

describe('graphql-ws across replicas (two services, one PostgreSQL)', () => {
  let running: RunningSandbox;
  let database: TestDatabase;
  let a: TestService;
  let b: TestService;
  let made: Subscriber;
  beforeAll(async () => {
    running = await startSandbox();
    database = await freshDatabase();
    a = await startTestService({ sandbox: running, env: { DATABASE_URL: database.url } });
    b = await startTestService({ sandbox: running, env: { DATABASE_URL: database.url } });
  });
  afterAll(async () => {
    await made?.dispose();
    await b?.stop();
    await a?.stop();
    await running?.sandbox.close();
    await database?.drop();
  });

  it('a cancel on replica A reaches a subscriber on replica B within a second', async () => {
    const msgNo = 'SUB-REPLICA-1';
    running.simulators.feyin.addMessage(msgNo);
    made = subscriber(b.url);
    const sub = made.subscribe<MessageEvent>(MESSAGE_UPDATED, { m: msgNo });
    await eventually(() => sub.events.length === 1, { what: 'the first event on B' });
    expect((await a.gql(CANCEL, { m: msgNo })).data).toEqual({ cancelPrintMessage: { cancelled: true } });
    const cancelledAt = Date.now();
    expect(await sub.ended).toBe('complete');
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    expect(sub.events.map((e) => e.printMessageUpdated.status)).toEqual(['queued', 'cancelled']);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretFor } from '../../src/printing/feyin-callback-signer.js';
import {
  FEYIN_SANDBOX_CREDENTIALS as A,
  FEYIN_SANDBOX_SECOND_CREDENTIALS as B,
  FEYIN_SECOND_SEED,
  FEYIN_SEED,
  FeyinSimulator,
  startSandbox,
  type RunningSandbox,
} from '../../src/sandbox/index.js';
import type { FeyinCredentials } from '../../src/sandbox/feyin-simulator.js';
import { eventually } from '../helpers/eventually.js';
import { FakeVendor } from '../helpers/fake-vendor.js';

type Answer = Record<string, unknown>;

/** Feyin's API on the running simulator, as a client calls it: a token per member, then calls with it. */
function feyinClient(running: RunningSandbox) {
  const base = running.sandbox.baseUrl(running.simulators.feyin);
  const json = async (path: string, init?: RequestInit) => (await (await fetch(`${base}${path}`, init)).json()) as Answer;
  return {
    tokenAnswer: (c: Partial<FeyinCredentials>) =>
      json(`/token?${new URLSearchParams({ code: c.memberCode ?? '', secret: c.apiKey ?? '', ...(c.appId ? { appid: c.appId } : {}) })}`),
    token: async (c: FeyinCredentials) =>
      String((await json(`/token?code=${c.memberCode}&secret=${c.apiKey}&appid=${c.appId}`)).access_token),
    get: (path: string, token: string) => json(`${path}?access_token=${token}`),
    post: (path: string, token: string, body?: unknown) =>
      json(`${path}?access_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

describe('the Feyin simulator knows two members, each alone with its own printers and messages', () => {
  let running: RunningSandbox;
  let feyin: ReturnType<typeof feyinClient>;
  beforeAll(async () => {
    running = await startSandbox({ simulators: { feyin: new FeyinSimulator({ printDelayMs: null }) } });
    feyin = feyinClient(running);
  });
  afterAll(() => running.sandbox.close());

  it('the second member has credentials of its own, none equal to the first’s', () => {
    expect(B.memberCode).not.toBe(A.memberCode);
    expect(B.apiKey).not.toBe(A.apiKey);
    expect(B.appId).not.toBe(A.appId);
    const first = [FEYIN_SEED.onlinePrinter, FEYIN_SEED.offlinePrinter, ...FEYIN_SEED.queuedMessages, FEYIN_SEED.printingMessage];
    const second = [FEYIN_SECOND_SEED.onlinePrinter, FEYIN_SECOND_SEED.offlinePrinter, ...FEYIN_SECOND_SEED.queuedMessages];
    expect(second.filter((id) => first.includes(id))).toEqual([]);
  });

  it('each member’s token lists only its own printers', async () => {
    const list = async (c: FeyinCredentials) =>
      ((await feyin.get('/devices', await feyin.token(c))).devices as Answer[]).map((d) => d.device_no);
    expect(await list(B)).toEqual([FEYIN_SECOND_SEED.onlinePrinter, FEYIN_SECOND_SEED.offlinePrinter]);
    expect(await list(A)).toEqual([FEYIN_SEED.onlinePrinter, FEYIN_SEED.offlinePrinter]);
  });

  it('the second member cancels its own message and reads its printers’ status', async () => {
    const token = await feyin.token(B);
    const msgNo = FEYIN_SECOND_SEED.queuedMessages[0];
    expect(await feyin.post(`/msg/${msgNo}/cancel`, token)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await feyin.get(`/msg/${msgNo}/status`, token)).toMatchObject({ msg_no: msgNo, status: 'cancelled' });
    expect(await feyin.get(`/device/${FEYIN_SECOND_SEED.offlinePrinter}/status`, token)).toMatchObject({ status: 'offline' });
    expect(running.simulators.feyin.account(B.memberCode).messages.get(msgNo)?.status).toBe('cancelled');
    expect(running.simulators.feyin.messages.has(msgNo)).toBe(false);
  });

  it('a member’s token that names the other’s message or printer gets the not-found answers, and nothing changes', async () => {
    const tokenA = await feyin.token(A);
    const theirs = FEYIN_SECOND_SEED.queuedMessages[1];
    expect(await feyin.post(`/msg/${theirs}/cancel`, tokenA)).toEqual({ errcode: 40005, errmsg: 'msg_no not exist' });
    expect(await feyin.get(`/msg/${theirs}/status`, tokenA)).toEqual({ errcode: 40005, errmsg: 'msg_no not exist' });
    expect(await feyin.get(`/device/${FEYIN_SECOND_SEED.onlinePrinter}/status`, tokenA)).toEqual({
      errcode: 40002,
      errmsg: 'invalid device',
    });
    expect(await feyin.post('/msg', tokenA, { device_no: FEYIN_SECOND_SEED.onlinePrinter, msg_content: 'not yours' })).toEqual({
      errcode: 40002,
      errmsg: 'invalid device',
    });
    expect(running.simulators.feyin.account(B.memberCode).messages.get(theirs)?.status).toBe('queued');

    // And the other way round: the first member's records are absent for the second.
    const tokenB = await feyin.token(B);
    expect(await feyin.post(`/msg/${FEYIN_SEED.queuedMessages[2]}/cancel`, tokenB)).toMatchObject({ errcode: 40005 });
    expect(await feyin.get(`/device/${FEYIN_SEED.onlinePrinter}/status`, tokenB)).toMatchObject({ errcode: 40002 });
    expect(running.simulators.feyin.messages.get(FEYIN_SEED.queuedMessages[2])?.status).toBe('queued');
  });

  it('a message sent by the second member is its own', async () => {
    const tokenB = await feyin.token(B);
    const sent = await feyin.post('/msg', tokenB, { device_no: FEYIN_SECOND_SEED.onlinePrinter, msg_content: 'Order 2', appid: B.appId });
    const msgNo = String(sent.msg_no);
    expect(running.simulators.feyin.account(B.memberCode).messages.get(msgNo)).toMatchObject({ status: 'queued' });
    expect(await feyin.get(`/msg/${msgNo}/status`, await feyin.token(A))).toMatchObject({ errcode: 40005 });
  });

  it('mixed credentials are refused with the documented codes', async () => {
    expect(await feyin.tokenAnswer({ memberCode: 'nobody', apiKey: B.apiKey })).toMatchObject({ errcode: 40004 });
    expect(await feyin.tokenAnswer({ memberCode: B.memberCode, apiKey: A.apiKey })).toMatchObject({ errcode: 40011 });
    expect(await feyin.tokenAnswer({ memberCode: A.memberCode, apiKey: B.apiKey })).toMatchObject({ errcode: 40011 });
    expect(await feyin.tokenAnswer({ ...B, appId: A.appId })).toMatchObject({ errcode: 40003 });
    // The first member's app named in the second member's message.
    const tokenB = await feyin.token(B);
    expect(
      await feyin.post('/msg', tokenB, { device_no: FEYIN_SECOND_SEED.onlinePrinter, msg_content: 'x', appid: A.appId }),
    ).toMatchObject({
      errcode: 40003,
    });
    expect(await feyin.get('/devices', 'not-a-token')).toMatchObject({ errcode: 40014 });
  });
});

describe('Feyin tokens and counters are per member', () => {
  let running: RunningSandbox;
  let feyin: ReturnType<typeof feyinClient>;
  beforeAll(async () => {
    running = await startSandbox({ simulators: { feyin: new FeyinSimulator({ printDelayMs: null }) } });
    feyin = feyinClient(running);
  });
  afterAll(() => running.sandbox.close());

  it('a new fetch invalidates only that member’s previous token', async () => {
    const a1 = await feyin.token(A);
    const b1 = await feyin.token(B);
    const a2 = await feyin.token(A);
    expect(await feyin.get('/devices', a1)).toMatchObject({ errcode: 40014 });
    expect(await feyin.get('/devices', b1)).toMatchObject({ errcode: 0 });
    expect(await feyin.get('/devices', a2)).toMatchObject({ errcode: 0 });

    const b2 = await feyin.token(B);
    expect(await feyin.get('/devices', b1)).toMatchObject({ errcode: 40014 });
    expect(await feyin.get('/devices', b2)).toMatchObject({ errcode: 0 });
    expect(await feyin.get('/devices', a2)).toMatchObject({ errcode: 0 });
  });

  it('counts token fetches and calls per member; the old counter is the first member’s', () => {
    const simulator = running.simulators.feyin;
    expect(simulator.tokensIssuedBy(A.memberCode)).toBe(2);
    expect(simulator.tokensIssuedBy(B.memberCode)).toBe(2);
    expect(simulator.tokensIssued).toBe(2);
    // Calls with a valid token only: the rejected ones (40014) are nobody's.
    expect(simulator.callsBy(A.memberCode)).toBe(2);
    expect(simulator.callsBy(B.memberCode)).toBe(2);
    expect(simulator.account(B.memberCode)).toMatchObject({ tokensIssued: 2, calls: 2 });
    expect(() => simulator.callsBy('nobody')).toThrow(/no simulated account/);
  });

  it('revoking one member’s tokens leaves the other’s working', async () => {
    const a = await feyin.token(A);
    const b = await feyin.token(B);
    running.simulators.feyin.revokeTokens(B.memberCode);
    expect(await feyin.get('/devices', b)).toMatchObject({ errcode: 40014 });
    expect(await feyin.get('/devices', a)).toMatchObject({ errcode: 0 });
    running.simulators.feyin.revokeTokens();
    expect(await feyin.get('/devices', a)).toMatchObject({ errcode: 40014 });
  });
});

describe('Feyin calls each member back at its own URL, signed with its own key', () => {
  let receiver: FakeVendor;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    receiver = await FakeVendor.start();
    receiver.handler = (_request, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
  });
  afterAll(() => receiver.close());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    receiver.requests.length = 0;
  });

  const bodies = (path: string) =>
    receiver.requests
      .filter((r) => r.path === path)
      .map((r) => JSON.parse(r.body) as { msg_type: string; payload: Record<string, string> });

  it('device_status and msg_printed of the second member go to its URL with its key; the first member’s to the default URL', async () => {
    const simulator = new FeyinSimulator({ printDelayMs: 20, callbackUrl: `${receiver.url}/callbacks/feyin` });
    const running = await startSandbox({ simulators: { feyin: simulator } });
    cleanups.push(() => running.sandbox.close());
    simulator.setCallbackUrl(B.memberCode, `${receiver.url}/callbacks/feyin/shop-2`);
    expect(simulator.callbackUrl).toBe(`${receiver.url}/callbacks/feyin`);
    expect(simulator.account(B.memberCode).callbackUrl).toBe(`${receiver.url}/callbacks/feyin/shop-2`);

    simulator.setPrinterStatus(FEYIN_SECOND_SEED.onlinePrinter, { paperStatus: 'lack' }, B.memberCode);
    const feyin = feyinClient(running);
    await feyin.post('/msg', await feyin.token(B), { device_no: FEYIN_SECOND_SEED.onlinePrinter, msg_content: 'Order 2' });
    simulator.setPrinterStatus(FEYIN_SEED.onlinePrinter, { paperStatus: 'lack' });

    await eventually(() => simulator.account(B.memberCode).callbacksSent.length === 2 && simulator.callbacksSent.length === 1, {
      what: 'three callbacks',
    });
    const second = bodies('/callbacks/feyin/shop-2');
    expect(second.map((b) => b.msg_type).sort()).toEqual(['device_status', 'msg_printed']);
    for (const { msg_type, payload } of second) {
      expect(payload.secret).toBe(secretFor(msg_type as 'msg_printed' | 'device_status', payload, B.apiKey));
      expect(payload.device_no).toBe(FEYIN_SECOND_SEED.onlinePrinter);
    }
    const first = bodies('/callbacks/feyin');
    expect(first).toHaveLength(1);
    expect(first[0].payload.secret).toBe(secretFor('device_status', first[0].payload, A.apiKey));
    expect(simulator.callbacksSent).toEqual([{ msgType: 'device_status', url: `${receiver.url}/callbacks/feyin`, status: 200 }]);
  });

  it('a member without a callback URL is not called back, whatever the first member’s URL is', async () => {
    const simulator = new FeyinSimulator({ printDelayMs: null, callbackUrl: `${receiver.url}/callbacks/feyin` });
    const running = await startSandbox({ simulators: { feyin: simulator } });
    cleanups.push(() => running.sandbox.close());
    simulator.setPrinterStatus(FEYIN_SECOND_SEED.offlinePrinter, { status: 'online' }, B.memberCode);
    simulator.setPrinterStatus(FEYIN_SEED.offlinePrinter, { status: 'online' });
    await eventually(() => simulator.callbacksSent.length === 1, { what: 'the first member’s callback' });
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as { payload: Record<string, string> }).payload.device_no)).toEqual([
      FEYIN_SEED.offlinePrinter,
    ]);
    expect(simulator.account(B.memberCode).callbacksSent).toEqual([]);
    // A printer of the other member is not this member's to change.
    expect(() => simulator.setPrinterStatus(FEYIN_SECOND_SEED.onlinePrinter, { status: 'offline' })).toThrow(/no simulated printer/);
  });
});

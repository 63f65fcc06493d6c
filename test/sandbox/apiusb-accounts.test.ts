import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIUSB_SANDBOX_CREDENTIALS as A,
  APIUSB_SANDBOX_SECOND_CREDENTIALS as B,
  APIUSB_SECOND_SEED,
  APIUSB_SEED,
  ApiusbSimulator,
  startSandbox,
  type RunningSandbox,
} from '../../src/sandbox/index.js';
import type { ApiusbCredentials } from '../../src/sandbox/apiusb-simulator.js';

interface Envelope {
  ret: number;
  data: { code?: number; access_token?: string } | null;
  msg: string;
}

/** APIUSB's PhalApi endpoint on the running simulator, as an app's client calls it: form fields, a token per app. */
function apiusbClient(running: RunningSandbox) {
  const base = running.sandbox.baseUrl(running.simulators.apiusb);
  const call = async (fields: Record<string, string>) => {
    const response = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return (await response.json()) as Envelope;
  };
  return {
    applyToken: (c: ApiusbCredentials) => call({ s: 'App.Auth.ApplyToken', app_key: c.appKey, app_secret: c.appSecret }),
    token: async (c: ApiusbCredentials) =>
      String((await call({ s: 'App.Auth.ApplyToken', app_key: c.appKey, app_secret: c.appSecret })).data?.access_token),
    cancel: (token: string, order: { orderId: string; taskId: string }) =>
      call({ s: 'App.Logistics.CCancelOrder', access_token: token, ...order, cancelMsg: 'changed my mind' }),
  };
}

describe('the APIUSB simulator knows two apps, each alone with its own orders', () => {
  let running: RunningSandbox;
  let apiusb: ReturnType<typeof apiusbClient>;
  beforeAll(async () => {
    running = await startSandbox();
    apiusb = apiusbClient(running);
  });
  afterAll(() => running.sandbox.close());

  it('the second app has credentials and order ids of its own', () => {
    expect(B.appKey).not.toBe(A.appKey);
    expect(B.appSecret).not.toBe(A.appSecret);
    const ids = (seed: typeof APIUSB_SEED) => [...seed.cancellableOrders, seed.collectedOrder].flatMap((o) => [o.orderId, o.taskId]);
    expect(ids(APIUSB_SECOND_SEED).filter((id) => ids(APIUSB_SEED).includes(id))).toEqual([]);
  });

  it('the second app cancels its own orders with its own token', async () => {
    const token = await apiusb.token(B);
    const order = APIUSB_SECOND_SEED.cancellableOrders[0];
    expect(await apiusb.cancel(token, order)).toMatchObject({ ret: 200, data: { code: 200 } });
    expect(running.simulators.apiusb.account(B.appKey).orders.get(order.orderId)?.state).toBe('cancelled');
    expect(await apiusb.cancel(token, APIUSB_SECOND_SEED.collectedOrder)).toMatchObject({ ret: 200, data: { code: 403 } });
  });

  it('an app’s token that names the other app’s order gets “order does not exist”, and nothing changes', async () => {
    const theirs = APIUSB_SECOND_SEED.cancellableOrders[1];
    expect(await apiusb.cancel(await apiusb.token(A), theirs)).toMatchObject({ ret: 200, data: { code: 404 } });
    expect(running.simulators.apiusb.account(B.appKey).orders.get(theirs.orderId)?.state).toBe('awaiting-pickup');
    const mine = APIUSB_SEED.cancellableOrders[1];
    expect(await apiusb.cancel(await apiusb.token(B), mine)).toMatchObject({ ret: 200, data: { code: 404 } });
    expect(running.simulators.apiusb.orders.get(mine.orderId)?.state).toBe('awaiting-pickup');
  });

  it('mixed or missing credentials are refused as before', async () => {
    expect(await apiusb.applyToken({ appKey: B.appKey, appSecret: A.appSecret })).toMatchObject({ ret: 400, data: null });
    expect(await apiusb.applyToken({ appKey: A.appKey, appSecret: B.appSecret })).toMatchObject({ ret: 400, data: null });
    expect(await apiusb.cancel('not-a-token', APIUSB_SECOND_SEED.cancellableOrders[1])).toMatchObject({ ret: 406 });
  });
});

describe('APIUSB tokens and counters are per app', () => {
  let running: RunningSandbox;
  let apiusb: ReturnType<typeof apiusbClient>;
  beforeAll(async () => {
    running = await startSandbox({ simulators: { apiusb: new ApiusbSimulator() } });
    apiusb = apiusbClient(running);
  });
  afterAll(() => running.sandbox.close());

  it('counts token fetches and calls per app; the old counter is the first app’s', async () => {
    const tokenB = await apiusb.token(B);
    await apiusb.token(B);
    const tokenA = await apiusb.token(A);
    await apiusb.cancel(tokenB, APIUSB_SECOND_SEED.collectedOrder);
    await apiusb.cancel(tokenB, APIUSB_SEED.collectedOrder);
    await apiusb.cancel(tokenA, APIUSB_SEED.collectedOrder);
    await apiusb.cancel('not-a-token', APIUSB_SEED.collectedOrder);
    const simulator = running.simulators.apiusb;
    expect(simulator.tokensIssuedBy(B.appKey)).toBe(2);
    expect(simulator.tokensIssuedBy(A.appKey)).toBe(1);
    expect(simulator.tokensIssued).toBe(1);
    expect(simulator.callsBy(B.appKey)).toBe(2);
    expect(simulator.callsBy(A.appKey)).toBe(1);
  });

  it('revoking one app’s tokens leaves the other’s working', async () => {
    const tokenA = await apiusb.token(A);
    const tokenB = await apiusb.token(B);
    running.simulators.apiusb.revokeTokens(A.appKey);
    expect(await apiusb.cancel(tokenA, APIUSB_SEED.collectedOrder)).toMatchObject({ ret: 406 });
    expect(await apiusb.cancel(tokenB, APIUSB_SECOND_SEED.collectedOrder)).toMatchObject({ ret: 200 });
  });

  it('with signature checking off no token names an app: calls act for the first', async () => {
    const open = await startSandbox({ simulators: { apiusb: new ApiusbSimulator({ requireToken: false }) } });
    try {
      const client = apiusbClient(open);
      expect(await client.cancel('', APIUSB_SEED.cancellableOrders[0])).toMatchObject({ data: { code: 200 } });
      expect(await client.cancel('', APIUSB_SECOND_SEED.cancellableOrders[0])).toMatchObject({ data: { code: 404 } });
      expect(open.simulators.apiusb.callsBy(A.appKey)).toBe(2);
    } finally {
      await open.sandbox.close();
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CancelOrderDocument } from '../__generated__/graphql.js';
import { APIUSB_SEED, ApiusbSimulator } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';

const cancelCalls = (t: TestService) => t.sandbox.requestsTo('/apiusb').filter((r) => r.query.get('s') === 'App.Logistics.CCancelOrder');

describe('logistics domain against the APIUSB simulator (live mode, real HTTP)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());
  beforeEach(() => t.sandbox.clearFaults());

  it('cancels an order with POST form fields and remembers it as CANCELLED', async () => {
    const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
    const answer = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'Customer changed their mind' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.cancelOrder.order).toMatchObject({ orderId, taskId, status: 'CANCELLED' });
    expect(t.simulators.apiusb.orders.get(orderId)?.state).toBe('cancelled');

    const [call] = cancelCalls(t);
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/');
    expect([...call.query.keys()]).toEqual(['s']); // order data and token stay out of the URL
    const form = new URLSearchParams(call.body);
    expect(Object.fromEntries(form)).toMatchObject({ orderId, taskId, cancelMsg: 'Customer changed their mind' });
    expect(form.get('access_token')).toBeTruthy();

    const entity = await t.gql<{ _entities: Array<{ status: string; cancelReason: string } | null> }, { r: unknown }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on LogisticsOrder { status cancelReason } } }',
      {
        r: [
          { __typename: 'LogisticsOrder', orderId },
          { __typename: 'LogisticsOrder', orderId: 'never-seen' },
        ],
      },
    );
    expect(entity.data?._entities).toEqual([
      { status: 'CANCELLED', cancelReason: 'Customer changed their mind' },
      { status: 'UNKNOWN', cancelReason: null },
    ]);
  });

  it('refuses a second cancel of the same order, as APIUSB does', async () => {
    const orderId = '100012021107700';
    t.simulators.apiusb.addOrder(orderId, { taskId: 'TASK700' });
    expect((await t.gql(CancelOrderDocument, { orderId, taskId: 'TASK700', reason: 'first' })).errors).toBeUndefined();
    const again = await t.gql(CancelOrderDocument, { orderId, taskId: 'TASK700', reason: 'second' });
    expect(again.data).toBeNull();
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', vendor: 'APIUSB', retryable: false });
    expect(again.errors?.[0]?.message).toMatch(/already cancelled/);
    expect(t.simulators.apiusb.orders.get(orderId)?.cancelMsg).toBe('first');
  });

  it('rejects blank, too long or missing arguments with no vendor call', async () => {
    const before = t.sandbox.requestsTo('/apiusb').length;
    const blank = await t.gql(CancelOrderDocument, { orderId: 'A1', taskId: 'T1', reason: '   ' });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { reason: ['must not be blank'] } });
    const long = await t.gql(CancelOrderDocument, { orderId: 'x'.repeat(65), taskId: '', reason: 'r'.repeat(201) });
    expect(Object.keys((long.errors?.[0]?.extensions?.fields as object) ?? {}).sort()).toEqual(['orderId', 'reason', 'taskId']);
    expect(t.sandbox.requestsTo('/apiusb').length).toBe(before);
  });

  it('a business refusal inside ret 200 is an error with no data', async () => {
    const { orderId, taskId } = APIUSB_SEED.collectedOrder;
    const answer = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'too late' });
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendor: 'APIUSB', vendorCode: 403, retryable: false });
    expect(answer.errors?.[0]?.message).toContain('already collected');
  });

  it('an unknown order is NOT_FOUND', async () => {
    const answer = await t.gql(CancelOrderDocument, { orderId: '999', taskId: 'T', reason: 'r' });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', vendor: 'APIUSB', vendorCode: 404 });
  });

  it('ret 500 is VENDOR_UNAVAILABLE', async () => {
    const original = t.simulators.apiusb.handle.bind(t.simulators.apiusb);
    t.simulators.apiusb.handle = () => ({ json: { ret: 500, data: null, msg: 'server error' } });
    try {
      const { orderId, taskId } = APIUSB_SEED.cancellableOrders[1];
      const answer = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'r' });
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code: 'VENDOR_UNAVAILABLE',
        vendor: 'APIUSB',
        vendorCode: 500,
        retryable: true,
      });
    } finally {
      t.simulators.apiusb.handle = original;
    }
  });

  it('HTTP 502 and a hung vendor are VENDOR_UNAVAILABLE', async () => {
    const { orderId, taskId } = APIUSB_SEED.cancellableOrders[1];
    t.sandbox.inject('/apiusb', { kind: 'status', status: 502 }, 5);
    const http = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'r' });
    expect(http.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'APIUSB', vendorCode: 502 });
    t.sandbox.clearFaults();
    t.sandbox.inject('/apiusb', { kind: 'hang', ms: 4000 }, 5);
    const hung = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'r' });
    expect(hung.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', retryable: true });
  });

  it('renews a rejected token once (ret 406) and repeats the call once', async () => {
    const { orderId, taskId } = APIUSB_SEED.cancellableOrders[1];
    const issued = t.simulators.apiusb.tokensIssued;
    t.simulators.apiusb.revokeTokens();
    const answer = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'renewal' });
    expect(answer.errors).toBeUndefined();
    expect(t.simulators.apiusb.tokensIssued).toBe(issued + 1);
  });

  it('never logs the app secret or a token', () => {
    const tokens = t.sandbox
      .requestsTo('/apiusb')
      .map((r) => new URLSearchParams(r.body).get('access_token'))
      .filter((s): s is string => Boolean(s));
    expect(tokens.length).toBeGreaterThan(0);
    for (const secret of [...t.secrets, ...tokens]) expect(t.logs.text).not.toContain(secret);
  });
});

describe('APIUSB token configuration', () => {
  it('sends a static APIUSB_ACCESS_TOKEN and never calls ApplyToken', async () => {
    const t = await startTestService({
      simulators: { apiusb: new ApiusbSimulator({ staticTokens: ['static-token-0123456789abcdef'] }) },
      env: { APIUSB_ACCESS_TOKEN: 'static-token-0123456789abcdef', APIUSB_APP_KEY: '', APIUSB_APP_SECRET: '' },
    });
    try {
      const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
      const answer = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'r' });
      expect(answer.errors).toBeUndefined();
      expect(t.simulators.apiusb.tokensIssued).toBe(0);
      expect(new URLSearchParams(cancelCalls(t)[0].body).get('access_token')).toBe('static-token-0123456789abcdef');
      expect(t.logs.text).not.toContain('static-token-0123456789abcdef');
    } finally {
      await t.stop();
    }
  });

  it('a revoked static token gives VENDOR_AUTH_FAILED', async () => {
    const t = await startTestService({ env: { APIUSB_ACCESS_TOKEN: 'revoked-token', APIUSB_APP_KEY: '', APIUSB_APP_SECRET: '' } });
    try {
      const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
      const answer = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'r' });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_AUTH_FAILED', vendor: 'APIUSB', vendorCode: 406 });
    } finally {
      await t.stop();
    }
  });

  it('exchanges the app key once for many concurrent cancels', async () => {
    const t = await startTestService({ simulators: { apiusb: new ApiusbSimulator() } });
    try {
      const orders = Array.from({ length: 20 }, (_, i) => ({ orderId: `B${i}`, taskId: `T${i}` }));
      for (const o of orders) t.simulators.apiusb.addOrder(o.orderId, { taskId: o.taskId });
      const answers = await Promise.all(orders.map((o) => t.gql(CancelOrderDocument, { ...o, reason: 'bulk' })));
      expect(answers.every((a) => a.data?.cancelOrder.order.status === 'CANCELLED')).toBe(true);
      expect(t.simulators.apiusb.tokensIssued).toBe(1);
    } finally {
      await t.stop();
    }
  });

  it('sends no token when none is configured and signature checking is off', async () => {
    const t = await startTestService({
      simulators: { apiusb: new ApiusbSimulator({ requireToken: false }) },
      env: { APIUSB_APP_KEY: '', APIUSB_APP_SECRET: '' },
    });
    try {
      const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
      const answer = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'r' });
      expect(answer.errors).toBeUndefined();
      expect(new URLSearchParams(cancelCalls(t)[0].body).has('access_token')).toBe(false);
    } finally {
      await t.stop();
    }
  });
});

describe('APIUSB in live mode without a token or an explicit endpoint', () => {
  it('answers VENDOR_NOT_CONFIGURED and calls nobody', async () => {
    const t = await startTestService({ env: { APIUSB_BASE_URL: '', APIUSB_APP_KEY: '', APIUSB_APP_SECRET: '' } });
    try {
      const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
      const answer = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'r' });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor: 'APIUSB' });
      expect(answer.errors?.[0]?.message).toContain('APIUSB_ACCESS_TOKEN');
      expect(t.sandbox.requestsTo('/apiusb')).toHaveLength(0);
      expect(t.logs.text).toMatch(/APIUSB answer VENDOR_NOT_CONFIGURED/);
    } finally {
      await t.stop();
    }
  });
});

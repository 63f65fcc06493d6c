import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelOrderDocument,
  CancelPickupCodesDocument,
  CancelPrintMessageDocument,
  PrinterStatusDocument,
  PrintXReportDocument,
} from '../__generated__/graphql.js';
import { loadConfig } from '../../src/config.js';
import {
  APIUSB_SECOND_SEED,
  APIUSB_SEED,
  FEYIN_SECOND_SEED,
  FEYIN_SEED,
  LIFEPAY_SECOND_SEED,
  LIFEPAY_SEED,
  PICKUP_SECOND_SEED,
  PICKUP_SEED,
  SANDBOX_CREDENTIALS,
  SANDBOX_SECOND_MERCHANT,
  sandboxEnv,
  startSandbox,
  type RunningSandbox,
} from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';

const first = SANDBOX_CREDENTIALS.default;
const second = SANDBOX_CREDENTIALS[SANDBOX_SECOND_MERCHANT];

describe('sandboxEnv for each sandbox merchant', () => {
  let running: RunningSandbox;
  beforeAll(async () => {
    running = await startSandbox();
  });
  afterAll(() => running.sandbox.close());

  it('gives the second merchant’s credentials at the same simulators; the default stays the first’s', () => {
    const config = loadConfig({
      VENDOR_MODE: 'live',
      AUTH_DISABLED: 'true',
      ...sandboxEnv(running, { merchant: SANDBOX_SECOND_MERCHANT }),
    });
    const { sandbox, simulators } = running;
    expect(config.feyin).toMatchObject({ baseUrl: sandbox.baseUrl(simulators.feyin), ...second.feyin });
    expect(config.pickup).toMatchObject({ baseUrl: sandbox.baseUrl(simulators.pickup), ...second.pickup });
    expect(config.apiusb).toMatchObject({ baseUrl: sandbox.baseUrl(simulators.apiusb), ...second.apiusb });
    expect(config.lifepay).toMatchObject({ baseUrl: sandbox.baseUrl(simulators.lifepay), ...second.lifepay });
    expect(sandboxEnv(running, { merchant: 'default' })).toEqual(sandboxEnv(running));
    expect(loadConfig(sandboxEnv(running)).feyin).toMatchObject(first.feyin);
  });
});

/**
 * The service's own vendor clients, configured with the second merchant's accounts, against the
 * simulators: every call carries that merchant's token, signature or key, so only its records
 * exist, and the first merchant's read as absent.
 */
describe('a service holding the second merchant’s accounts sees only that merchant’s sandbox records', () => {
  let running: RunningSandbox;
  let t: TestService;
  beforeAll(async () => {
    running = await startSandbox();
    t = await startTestService({ sandbox: running, env: sandboxEnv(running, { merchant: SANDBOX_SECOND_MERCHANT }) });
  });
  afterAll(async () => {
    await t.stop();
    await running.sandbox.close();
  });

  it('Feyin: its printers and messages, not the first merchant’s', async () => {
    const own = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SECOND_SEED.onlinePrinter });
    expect(own.data?.printer).toMatchObject({ deviceNo: FEYIN_SECOND_SEED.onlinePrinter, status: 'online' });
    const theirs = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data?.printer).toBeNull();

    expect((await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SECOND_SEED.queuedMessages[0] })).errors).toBeUndefined();
    const refused = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.queuedMessages[0] });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', vendorCode: 40005 });
    expect(running.simulators.feyin.messages.get(FEYIN_SEED.queuedMessages[0])?.status).toBe('queued');

    const feyin = running.simulators.feyin;
    expect(feyin.tokensIssuedBy(second.feyin.memberCode)).toBe(1);
    // Every call the service made carried the second member's token.
    const calls = running.sandbox.requestsTo('/feyin').filter((r) => r.path !== '/token');
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(feyin.callsBy(second.feyin.memberCode)).toBe(calls.length);
    expect(feyin.tokensIssuedBy(first.feyin.memberCode)).toBe(0);
    expect(feyin.callsBy(first.feyin.memberCode)).toBe(0);
  });

  it('pickup codes: its machines and codes, signed with its key', async () => {
    const id = PICKUP_SECOND_SEED.unusedCodes[0];
    const own = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SECOND_SEED.onlineMachine, pickupCodeId: id });
    expect(own.errors).toBeUndefined();
    expect(running.simulators.pickup.account(second.pickup.appId).codes.get(id)?.state).toBe('DELETED');
    const theirs = await t.gql(CancelPickupCodesDocument, {
      machineNo: PICKUP_SEED.onlineMachine,
      pickupCodeId: PICKUP_SEED.unusedCodes[0],
    });
    expect(theirs.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', vendorCode: 6026 });
    expect(running.simulators.pickup.callsBy(second.pickup.appId)).toBe(running.sandbox.requestsTo('/pickup').length);
    expect(running.simulators.pickup.callsBy(first.pickup.appId)).toBe(0);
  });

  it('APIUSB: its orders, with a token from its app key', async () => {
    const { orderId, taskId } = APIUSB_SECOND_SEED.cancellableOrders[0];
    const own = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'shop 2' });
    expect(own.data?.cancelOrder.order).toMatchObject({ orderId, status: 'CANCELLED' });
    const theirs = await t.gql(CancelOrderDocument, { ...APIUSB_SEED.cancellableOrders[0], reason: 'not mine' });
    expect(theirs.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(running.simulators.apiusb.orders.get(APIUSB_SEED.cancellableOrders[0].orderId)?.state).toBe('awaiting-pickup');
    expect(running.simulators.apiusb.tokensIssuedBy(second.apiusb.appKey)).toBe(1);
    const cancels = running.sandbox.requestsTo('/apiusb').filter((r) => r.query.get('s') === 'App.Logistics.CCancelOrder');
    expect(running.simulators.apiusb.callsBy(second.apiusb.appKey)).toBe(cancels.length);
    expect(running.simulators.apiusb.tokensIssued).toBe(0);
  });

  it('LifePay: its registers and documents, with its key and login', async () => {
    const own = await t.gql(PrintXReportDocument, { input: { targetSerial: LIFEPAY_SECOND_SEED.register, extId: 'shop-2-x-1' } });
    expect(own.errors).toBeUndefined();
    expect(running.simulators.lifepay.documentsWithExtId('shop-2-x-1', second.lifepay.apiKey)).toEqual([
      expect.objectContaining({ login: second.lifepay.login, targetSerial: LIFEPAY_SECOND_SEED.register }),
    ]);
    const theirs = await t.gql(PrintXReportDocument, { input: { targetSerial: LIFEPAY_SEED.register, extId: 'shop-2-x-2' } });
    expect(theirs.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(running.simulators.lifepay.documents.size).toBe(0);
    expect(running.simulators.lifepay.callsBy(second.lifepay.apiKey)).toBe(running.sandbox.requestsTo('/lifepay').length);
    expect(running.simulators.lifepay.callsBy(first.lifepay.apiKey)).toBe(0);
  });
});

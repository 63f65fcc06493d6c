import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { APIUSB_SEED, FEYIN_SECOND_SEED, FEYIN_SEED, LIFEPAY_SEED, PICKUP_SEED, type Simulators } from '../../src/sandbox/index.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';
import { ALL_SCOPES, mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

/** shop-17's made-up accounts, as an operator trying merchants writes them: none is a sandbox credential. */
const SHOP17 = {
  feyin: { memberCode: 'm17', apiKey: 'shop-17-feyin-key', appId: 'app-17' },
  pickup: { appId: 'p17', appSecret: 'shop-17-pickup-secret', signKey: 'sign-17' },
  apiusbToken: 'shop-17-apiusb-static-token',
  lifepay: { apiKey: 'shop-17-lifepay-key', login: '79990000017' },
};

function merchantsFile(extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    'shop-17': {
      feyin: { memberCode: SHOP17.feyin.memberCode, apiKey: '${SHOP17_FEYIN_KEY}', appId: SHOP17.feyin.appId },
      pickup: {
        baseUrl: 'https://pickup.example.com',
        appId: SHOP17.pickup.appId,
        appSecret: '${SHOP17_PICKUP_SECRET}',
        signKey: 'sign-17',
      },
      apiusb: { accessToken: '${SHOP17_APIUSB_TOKEN}' },
      lifepay: { apiKey: '${SHOP17_LIFEPAY_KEY}', login: SHOP17.lifepay.login },
    },
    // An app key and secret at APIUSB, a LifePay account without a login of its own.
    'cafe.2': { apiusb: { appKey: 'cafe-2-app', appSecret: 'cafe-2-secret' }, lifepay: { apiKey: 'cafe-2-lifepay-key' } },
    // The sandbox's own member code with another key: the simulator keeps its member as it is.
    copycat: { feyin: { memberCode: 'sandbox-member', apiKey: 'not-the-sandbox-key' } },
    ...extra,
  });
}

describe("sandbox mode with MERCHANTS_FILE: the simulators learn the file merchants' accounts", () => {
  let dir: string;
  let file: string;
  let service: RunningService;
  let simulators: Simulators;
  const logs = new LogCapture();
  const tokens: Record<string, string> = {};
  const as = async (merchant: string, query: string) => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[merchant]}` },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-file-merchants-'));
    file = join(dir, 'merchants.json');
    writeFileSync(file, merchantsFile());
    const config = loadConfig({
      NODE_ENV: 'test',
      VENDOR_MODE: 'sandbox',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      MERCHANTS_FILE: file,
      SHOP17_FEYIN_KEY: SHOP17.feyin.apiKey,
      SHOP17_PICKUP_SECRET: SHOP17.pickup.appSecret,
      SHOP17_APIUSB_TOKEN: SHOP17.apiusbToken,
      SHOP17_LIFEPAY_KEY: SHOP17.lifepay.apiKey,
    });
    service = await startService(config, logs.logger);
    simulators = service.sandbox!.simulators;
    for (const merchant of ['default', 'shop-2', 'shop-17', 'shop-18', 'cafe.2', 'copycat']) {
      tokens[merchant] = await mintToken({ scope: ALL_SCOPES, ...(merchant === 'default' ? {} : { merchant }) });
    }
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shop-17 cancels a print message: the call reaches the Feyin simulator as shop-17's member, on its own copy of the seed", async () => {
    const msgNo = FEYIN_SEED.queuedMessages[0];
    const feyinCalls = () => service.sandbox!.sandbox.requestsTo('/feyin').length;
    const before = feyinCalls();
    const answer = await as('shop-17', `mutation { cancelPrintMessage(msgNo: "${msgNo}") { cancelled message { status } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ cancelPrintMessage: { cancelled: true, message: { status: 'cancelled' } } });
    // A token fetched with shop-17's member code, key and app, then two calls with it (cancel, status).
    expect(simulators.feyin.tokensIssuedBy(SHOP17.feyin.memberCode)).toBe(1);
    expect(simulators.feyin.callsBy(SHOP17.feyin.memberCode)).toBe(2);
    expect(feyinCalls()).toBe(before + 3);
    const tokenRequest = service.sandbox!.sandbox.requestsTo('/feyin').find((request) => request.path === '/token');
    expect(Object.fromEntries(tokenRequest!.query)).toMatchObject({ code: 'm17', appid: 'app-17' });
    expect(simulators.feyin.account(SHOP17.feyin.memberCode).messages.get(msgNo)?.status).toBe('cancelled');
    // default's message of the same id is its own, untouched; so is shop-2's member.
    expect(simulators.feyin.messages.get(msgNo)?.status).toBe('queued');
    expect(simulators.feyin.tokensIssued).toBe(0);
    expect((await as('default', `{ printMessage(msgNo: "${msgNo}") { status } }`)).data).toEqual({ printMessage: { status: 'queued' } });
  });

  it("shop-17 does not see default's or shop-2's records", async () => {
    simulators.feyin.addMessage('DEFAULT-ONLY-1');
    for (const msgNo of ['DEFAULT-ONLY-1', FEYIN_SECOND_SEED.queuedMessages[0]]) {
      expect((await as('shop-17', `{ printMessage(msgNo: "${msgNo}") { msgNo } }`)).data).toEqual({ printMessage: null });
    }
    expect((await as('shop-17', `{ printer(deviceNo: "${FEYIN_SECOND_SEED.onlinePrinter}") { status } }`)).data).toEqual({ printer: null });
    expect((await as('default', '{ printMessage(msgNo: "DEFAULT-ONLY-1") { status } }')).data).toEqual({
      printMessage: { status: 'queued' },
    });
    const cancelled = await as('shop-17', `mutation { cancelPrintMessage(msgNo: "${FEYIN_SECOND_SEED.queuedMessages[0]}") { cancelled } }`);
    expect(cancelled.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', vendorCode: 40005 });
    expect(simulators.feyin.account('sandbox-member-shop-2').messages.get(FEYIN_SECOND_SEED.queuedMessages[0])?.status).toBe('queued');
  });

  it("the README's seeded ids work for shop-17 at every vendor, each on its own account", async () => {
    const code = PICKUP_SEED.unusedCodes[0];
    const pickup = await as(
      'shop-17',
      `mutation { cancelPickupCodes(machineNo: "${PICKUP_SEED.onlineMachine}", pickupCodeId: "${code}") { scope } }`,
    );
    expect(pickup.errors).toBeUndefined();
    expect(simulators.pickup.account(SHOP17.pickup.appId).codes.get(code)?.state).toBe('DELETED');
    expect(simulators.pickup.codes.get(code)?.state).toBe('UNUSED');

    const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
    const cancelOrder = `mutation { cancelOrder(orderId: "${orderId}", taskId: "${taskId}", reason: "trying merchants") { order { status } } }`;
    expect((await as('shop-17', cancelOrder)).data).toEqual({ cancelOrder: { order: { status: 'CANCELLED' } } });
    // cafe.2's own app (key and secret exchanged for a token) holds its own copy of the order.
    expect((await as('cafe.2', cancelOrder)).data).toEqual({ cancelOrder: { order: { status: 'CANCELLED' } } });
    expect(simulators.apiusb.tokensIssuedBy('cafe-2-app')).toBe(1);
    expect(simulators.apiusb.orders.get(orderId)?.state).toBe('awaiting-pickup');

    const print = (merchant: string, extra = '') =>
      as(
        merchant,
        `mutation { printXReport(input: { extId: "Z-1", targetSerial: "${LIFEPAY_SEED.register}"${extra} }) { document { status } } }`,
      );
    expect((await print('shop-17')).data).toEqual({ printXReport: { document: { status: 'ACCEPTED' } } });
    expect(simulators.lifepay.documentsWithExtId('Z-1', SHOP17.lifepay.apiKey)).toEqual([
      expect.objectContaining({ login: SHOP17.lifepay.login, targetSerial: LIFEPAY_SEED.register }),
    ]);
    // Without a login of its own, cafe.2's account has the sandbox's user 79990000001 (its own, at its own company).
    expect((await print('cafe.2', ', login: "79990000001"')).data).toEqual({ printXReport: { document: { status: 'ACCEPTED' } } });
    expect(simulators.lifepay.documentsWithExtId('Z-1')).toEqual([]);
    // The seeded refusals are the learned company's too.
    const refused = await as('shop-17', 'mutation { printXReport(input: { extId: "Z-2", login: "79990000003" }) { document { status } } }');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_AUTH_FAILED', vendorCode: 6095 });
  });

  it("Feyin calls shop-17's member back at shop-17's own callback URL, signed with its key", async () => {
    simulators.feyin.setPrinterStatus(FEYIN_SEED.offlinePrinter, { status: 'online', paperStatus: 'nomal' }, SHOP17.feyin.memberCode);
    const sent = await eventually(() => simulators.feyin.account(SHOP17.feyin.memberCode).callbacksSent[0], { what: 'the callback' });
    expect(sent).toEqual({ msgType: 'device_status', url: `${service.url}/callbacks/feyin/shop-17`, status: 200 });
  });

  it('says what it did, keeps the vendors faithful, and leaves a sandbox account with another key alone', async () => {
    const line = logs.records().find((record) => String(record.msg).startsWith('sandbox: the simulators know the accounts'));
    expect(line?.msg).toContain('shop-17 (FEYIN, PICKUP, APIUSB, LIFEPAY)');
    expect(line?.msg).toContain('cafe.2 (APIUSB, LIFEPAY)');
    const warning = logs.records().find((record) => record.level === 40 && String(record.msg).includes('copycat'));
    expect(warning?.msg).toContain('FEYIN');
    const startLine = logs.records().find((record) => String(record.msg).startsWith('GraphQL at'));
    expect(startLine?.msg).toContain("the simulators also know MERCHANTS_FILE's merchants");
    for (const secret of [SHOP17.feyin.apiKey, SHOP17.pickup.appSecret, SHOP17.apiusbToken, SHOP17.lifepay.apiKey, 'cafe-2-secret']) {
      expect(logs.text).not.toContain(secret);
    }
    // copycat's key is not the sandbox member's: Feyin refuses it, and default keeps working.
    const copycat = await as('copycat', `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }`);
    expect(copycat.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_AUTH_FAILED', vendorCode: 40011 });
    expect((await as('default', `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }`)).data).toEqual({
      printer: { status: 'online' },
    });
    // What a learned account is sent is checked as the vendor checks it: a wrong key is still 40011.
    const base = service.sandbox!.sandbox.baseUrl(simulators.feyin);
    const wrongKey = await (await fetch(`${base}/token?code=m17&secret=nope`)).json();
    expect(wrongKey).toEqual({ errcode: 40011, errmsg: 'invalid key' });
    // shop-17's LifePay user with default's API key: a login and key that do not go together.
    const lifepay = service.sandbox!.sandbox.baseUrl(simulators.lifepay);
    const mixed = await fetch(`${lifepay}/cloud-print/create-x-report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apikey: 'sandbox-lifepay-api-key', login: SHOP17.lifepay.login, ext_id: 'MIXED-1' }),
    });
    expect(await mixed.json()).toMatchObject({ code: 6010 });
  });

  it('a reload teaches the simulators the new merchants', async () => {
    writeFileSync(file, merchantsFile({ 'shop-18': { feyin: { memberCode: 'm18', apiKey: 'shop-18-feyin-key' } } }));
    expect(await service.merchants.reload()).toBe(true);
    const answer = await as('shop-18', `mutation { cancelPrintMessage(msgNo: "${FEYIN_SEED.queuedMessages[2]}") { cancelled } }`);
    expect(answer.data).toEqual({ cancelPrintMessage: { cancelled: true } });
    expect(simulators.feyin.callsBy('m18')).toBe(1);
    const lines = logs.records().filter((record) => String(record.msg).startsWith('sandbox: the simulators know the accounts'));
    expect(lines.at(-1)?.msg).toContain('shop-18 (FEYIN)');
    expect(lines.at(-1)?.msg).not.toContain('shop-17');
  });
});

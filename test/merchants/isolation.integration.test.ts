import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackTokens } from '../../src/fiscal/callback-tokens.js';
import { lifepayCallbackUrl } from '../../src/fiscal/lifepay-callbacks.js';
import { formatFeyinTime } from '../../src/printing/feyin-callback.js';
import { secretFor } from '../../src/printing/feyin-callback-signer.js';
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
  sandboxEnv,
  startSandbox,
  type RunningSandbox,
} from '../../src/sandbox/index.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type GraphQLAnswer, type TestService } from '../helpers/service.js';
import { subscriber } from '../helpers/subscriber.js';
import { ALL_SCOPES, mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const SHOP = 'shop-2';
const FIRST = SANDBOX_CREDENTIALS.default;
const SECOND = SANDBOX_CREDENTIALS[SHOP];
const CALLBACK_SECRET = 'merchant-test-callback-secret-0123456789';

/** shop-2's accounts in MERCHANTS_FILE, as an operator writes them: secrets as `${NAME}`. */
function merchantsFile(running: RunningSandbox, extra: Record<string, unknown> = {}): string {
  const env = sandboxEnv(running, { merchant: SHOP });
  return JSON.stringify({
    [SHOP]: {
      feyin: { baseUrl: env.FEYIN_BASE_URL, memberCode: SECOND.feyin.memberCode, apiKey: '${SHOP2_FEYIN_KEY}', appId: SECOND.feyin.appId },
      pickup: {
        baseUrl: env.PICKUP_BASE_URL,
        appId: SECOND.pickup.appId,
        appSecret: '${SHOP2_PICKUP_SECRET}',
        signKey: SECOND.pickup.signKey,
      },
      apiusb: { baseUrl: env.APIUSB_BASE_URL, appKey: SECOND.apiusb.appKey, appSecret: '${SHOP2_APIUSB_SECRET}' },
      lifepay: { baseUrl: env.LIFEPAY_BASE_URL, apiKey: '${SHOP2_LIFEPAY_KEY}', login: SECOND.lifepay.login },
    },
    // Only a pickup account, with a sign key the vendor does not know.
    'shop-3': {
      pickup: { baseUrl: env.PICKUP_BASE_URL, appId: SECOND.pickup.appId, appSecret: SECOND.pickup.appSecret, signKey: 'wrong' },
    },
    ...extra,
  });
}

type Answer = GraphQLAnswer<Record<string, unknown>>;

describe('two merchants, each isolated to its own accounts and records (live mode, real HTTP)', () => {
  let running: RunningSandbox;
  let t: TestService;
  let dir: string;
  let file: string;
  const headers: Record<string, Record<string, string>> = {};
  /** A GraphQL request as `who` (a merchant with every scope). */
  const as = (who: string, query: string, variables?: Record<string, unknown>): Promise<Answer> =>
    t.gql<Record<string, unknown>, Record<string, unknown>>(query, variables, headers[who]);

  beforeAll(async () => {
    running = await startSandbox();
    dir = mkdtempSync(join(tmpdir(), 'merchants-'));
    file = join(dir, 'merchants.json');
    writeFileSync(file, merchantsFile(running));
    t = await startTestService({
      sandbox: running,
      env: {
        AUTH_DISABLED: 'false',
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        MERCHANTS_FILE: file,
        SHOP2_FEYIN_KEY: SECOND.feyin.apiKey,
        SHOP2_PICKUP_SECRET: SECOND.pickup.appSecret,
        SHOP2_APIUSB_SECRET: SECOND.apiusb.appSecret!,
        SHOP2_LIFEPAY_KEY: SECOND.lifepay.apiKey,
        CALLBACK_SECRET,
        PUBLIC_URL: 'http://127.0.0.1:9',
      },
    });
    for (const who of ['default', SHOP, 'shop-3', 'shop-9']) {
      const token = await mintToken({ scope: ALL_SCOPES, ...(who === 'default' ? {} : { merchant: who }) });
      headers[who] = { authorization: `Bearer ${token}` };
    }
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await running?.sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("each merchant's calls carry its own credentials: tokens, signatures and keys counted per account at the simulators", async () => {
    const { feyin, pickup, apiusb, lifepay } = t.simulators;
    const cancelMessage = 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }';
    const cancelCodes = 'mutation($n: ID!) { cancelPickupCodes(machineNo: $n) { scope } }';
    const cancelOrder = 'mutation($o: ID!, $t: ID!) { cancelOrder(orderId: $o, taskId: $t, reason: "test") { order { status } } }';
    const print = 'mutation($e: String!, $s: String) { printXReport(input: { extId: $e, targetSerial: $s }) { document { status } } }';

    for (const [who, creds, seed] of [
      ['default', FIRST, { feyin: FEYIN_SEED, pickup: PICKUP_SEED, apiusb: APIUSB_SEED, lifepay: LIFEPAY_SEED }],
      [SHOP, SECOND, { feyin: FEYIN_SECOND_SEED, pickup: PICKUP_SECOND_SEED, apiusb: APIUSB_SECOND_SEED, lifepay: LIFEPAY_SECOND_SEED }],
    ] as const) {
      const before = {
        feyin: feyin.callsBy(creds.feyin.memberCode),
        pickup: pickup.callsBy(creds.pickup.appId),
        apiusb: apiusb.callsBy(creds.apiusb.appKey!),
        lifepay: lifepay.callsBy(creds.lifepay.apiKey),
      };
      expect((await as(who, cancelMessage, { m: seed.feyin.queuedMessages[0] })).data).toEqual({ cancelPrintMessage: { cancelled: true } });
      expect((await as(who, cancelCodes, { n: seed.pickup.onlineMachine })).data).toEqual({ cancelPickupCodes: { scope: 'ALL' } });
      const order = seed.apiusb.cancellableOrders[0]!;
      expect((await as(who, cancelOrder, { o: order.orderId, t: order.taskId })).data).toEqual({
        cancelOrder: { order: { status: 'CANCELLED' } },
      });
      expect((await as(who, print, { e: 'Z-1', s: seed.lifepay.register })).data).toEqual({
        printXReport: { document: { status: 'ACCEPTED' } },
      });
      // Each vendor saw this merchant's account on its calls (token fetches included), never the other's.
      expect(feyin.callsBy(creds.feyin.memberCode)).toBeGreaterThan(before.feyin);
      expect(pickup.callsBy(creds.pickup.appId)).toBe(before.pickup + 1);
      expect(apiusb.callsBy(creds.apiusb.appKey!)).toBeGreaterThan(before.apiusb);
      expect(lifepay.callsBy(creds.lifepay.apiKey)).toBe(before.lifepay + 1);
      expect(feyin.account(creds.feyin.memberCode).messages.get(seed.feyin.queuedMessages[0]!)?.status).toBe('cancelled');
    }
    // One token per account, fetched when the merchant first called.
    expect(feyin.tokensIssuedBy(FIRST.feyin.memberCode)).toBe(1);
    expect(feyin.tokensIssuedBy(SECOND.feyin.memberCode)).toBe(1);
    expect(apiusb.tokensIssuedBy(FIRST.apiusb.appKey!)).toBe(1);
    expect(apiusb.tokensIssuedBy(SECOND.apiusb.appKey!)).toBe(1);
    // Two merchants may use the same extId: two documents, one at each LifePay company.
    expect(lifepay.documentsWithExtId('Z-1', FIRST.lifepay.apiKey)).toHaveLength(1);
    expect(lifepay.documentsWithExtId('Z-1', SECOND.lifepay.apiKey)).toHaveLength(1);
    const rows = await t.service.store.db
      .selectFrom('vendor_documents')
      .select(['merchant', 'ext_id'])
      .where('ext_id', '=', 'Z-1')
      .execute();
    expect(rows.map((row) => row.merchant).sort()).toEqual(['default', SHOP]);
    // Log lines name the merchant (metrics do not); the start-up line counts merchants and accounts.
    const shopCalls = t.logs.records().filter((record) => record.msg === 'vendor call' && record.merchant === SHOP);
    expect(new Set(shopCalls.map((record) => record.vendor))).toEqual(new Set(['FEYIN', 'PICKUP', 'APIUSB', 'LIFEPAY']));
    const startLine = t.logs.records().find((record) => String(record.msg).startsWith('GraphQL at'));
    expect(startLine?.merchants).toEqual({ merchants: 3, accounts: { FEYIN: 2, PICKUP: 3, APIUSB: 2, LIFEPAY: 2 } });
    expect(startLine?.msg).toContain('3 merchants (accounts: FEYIN 2, PICKUP 3, APIUSB 2, LIFEPAY 2)');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).not.toContain(SHOP);
    const tokens = await t.service.store.db.selectFrom('vendor_tokens').select(['merchant', 'vendor']).execute();
    expect(tokens.map((row) => `${row.vendor}:${row.merchant}`).sort()).toEqual([
      'APIUSB:default',
      `APIUSB:${SHOP}`,
      'FEYIN:default',
      `FEYIN:${SHOP}`,
    ]);
  });

  it("every read path answers another merchant's record exactly as one that does not exist", async () => {
    // Records of default's alone: a print message and printer, listed pickup codes, a cancelled order, a document.
    await as('default', 'mutation { printXReport(input: { extId: "D-ONLY-1" }) { document { status } } }');
    const listed = await as('default', 'query($n: ID!, $p: ID!) { machine(machineNo: $n) { pickupCodes(productId: $p) { id } } }', {
      n: PICKUP_SEED.onlineMachine,
      p: PICKUP_SEED.productId,
    });
    const codeId = (listed.data?.machine as { pickupCodes: Array<{ id: string }> }).pickupCodes[0]!.id;
    const cases: Array<{ query: string; real: Record<string, unknown>; none: Record<string, unknown> }> = [
      {
        query: 'query($m: ID!) { printMessage(msgNo: $m) { msgNo status } }',
        real: { m: FEYIN_SEED.queuedMessages[1] },
        none: { m: 'FY9999' },
      },
      {
        query: 'query($d: ID!) { printer(deviceNo: $d) { deviceNo status } }',
        real: { d: FEYIN_SEED.onlinePrinter },
        none: { d: '4699999999999999' },
      },
      { query: 'query($e: ID!) { fiscalDocument(extId: $e) { extId status } }', real: { e: 'D-ONLY-1' }, none: { e: 'never-printed' } },
      {
        query: 'query($n: ID!, $p: ID!) { machine(machineNo: $n) { pickupCodes(productId: $p) { id status } } }',
        real: { n: PICKUP_SEED.onlineMachine, p: PICKUP_SEED.productId },
        none: { n: '19999999', p: PICKUP_SEED.productId },
      },
    ];
    for (const entity of [
      { __typename: 'PrintMessage', msgNo: FEYIN_SEED.queuedMessages[1] },
      { __typename: 'Printer', deviceNo: FEYIN_SEED.onlinePrinter },
      { __typename: 'PickupCode', id: codeId },
      { __typename: 'LogisticsOrder', orderId: APIUSB_SEED.cancellableOrders[0]!.orderId },
      { __typename: 'FiscalDocument', extId: 'D-ONLY-1' },
      { __typename: 'FiscalRegister', serial: LIFEPAY_SEED.register },
      { __typename: 'Machine', machineNo: PICKUP_SEED.onlineMachine },
    ]) {
      const key = Object.keys(entity).find((name) => name !== '__typename')!;
      const fields: Record<string, string> = {
        PrintMessage: 'msgNo status printedAt',
        Printer: 'deviceNo status',
        PickupCode: 'id status code',
        LogisticsOrder: 'orderId status cancelReason',
        FiscalDocument: 'extId status',
        FiscalRegister: 'serial documents(limit: 5) { extId }',
        Machine: `machineNo pickupCodes(productId: "${PICKUP_SEED.productId}") { id }`,
      };
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on ${entity.__typename} { ${fields[entity.__typename]} } } }`;
      const fake = {
        ...entity,
        [key]: entity.__typename === 'Machine' ? '19999999' : entity.__typename === 'Printer' ? '4699999999999999' : 'NEVER-SEEN-1',
      };
      cases.push({ query, real: { r: [entity] }, none: { r: [fake] } });
    }
    for (const { query, real, none } of cases) {
      const mine = await as('default', query, real);
      expect(mine.errors, query).toBeUndefined();
      const theirs = await as(SHOP, query, real);
      const absent = await as(SHOP, query, none);
      // Same shape and codes as a record nobody has; ids aside, the same answer.
      const scrub = (answer: Answer, ids: unknown) => {
        let text = JSON.stringify({ data: answer.data, errors: answer.errors?.map((error) => error.extensions?.code) });
        for (const id of JSON.stringify(ids).match(/"[^"]{5,}"/g) ?? []) if (id !== '"__typename"') text = text.split(id).join('"<id>"');
        return JSON.parse(text) as unknown;
      };
      expect(scrub(theirs, real), query).toEqual(scrub(absent, none));
      expect(JSON.stringify(theirs), query).not.toEqual(JSON.stringify(mine));
    }
  });

  it("a token naming an unconfigured merchant is FORBIDDEN before any vendor call; a missing vendor is VENDOR_NOT_CONFIGURED, never another's account", async () => {
    const calls = () => running.sandbox.requests.length;
    const before = calls();
    const refused = await as('shop-9', 'mutation { cancelPrintMessage(msgNo: "FY0000000000000000000000000002") { cancelled } }');
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', retryable: false });
    expect(refused.errors?.[0]?.message).not.toContain('shop-9');
    expect(calls()).toBe(before);

    const notConfigured = await as('shop-3', 'mutation { cancelPrintMessage(msgNo: "FY0000000000000000000000000002") { cancelled } }');
    expect(notConfigured.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor: 'FEYIN' });
    expect(notConfigured.errors?.[0]?.message).toContain('shop-3');
    const fiscal = await as('shop-3', 'mutation { printXReport(input: { extId: "S3-1", login: "79990000017" }) { document { status } } }');
    expect(fiscal.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor: 'LIFEPAY' });
    expect(calls()).toBe(before);
    // Its one account is used with its own (wrong) key: the vendor refuses it, nobody else's key is tried.
    const pickup = await as('shop-3', `mutation { cancelPickupCodes(machineNo: "${PICKUP_SECOND_SEED.onlineMachine}") { scope } }`);
    expect(pickup.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_AUTH_FAILED' });
  });

  it('forged merchant claims are refused: unsigned, signed with another secret, or not a string', async () => {
    const unsigned = new UnsecuredJWT({ merchant: SHOP, scope: ALL_SCOPES }).setExpirationTime('5m').setIssuedAt().encode();
    const otherSecret = await mintToken({ scope: ALL_SCOPES, merchant: SHOP, secret: 'another-secret-of-at-least-32-characters!' });
    for (const token of [unsigned, otherSecret]) {
      const answer = await t.gql('{ fiscalDocument(extId: "Z-1") { extId } }', undefined, { authorization: `Bearer ${token}` });
      expect(answer.status).toBe(401);
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    for (const merchant of [17, ['shop-2'], { id: 'shop-2' }, '', 'DEFAULT']) {
      const token = await mintToken({ scope: ALL_SCOPES, merchant });
      const answer = await t.gql('{ fiscalDocument(extId: "Z-1") { extId } }', undefined, { authorization: `Bearer ${token}` });
      expect(answer.status, JSON.stringify(merchant)).toBe(403);
    }
    // Caller auth is on: answers depend on the caller's merchant, so no shared cache may keep them.
    const read = await as(SHOP, '{ fiscalDocument(extId: "Z-1") { extId } }');
    expect(read.headers.get('cache-control')).toMatch(/private/);
  });

  it("a subscriber only ever sees its own merchant's events, over graphql-ws with its connection_init token", async () => {
    const msgNo = 'SAME-ID-IN-BOTH';
    t.simulators.feyin.addMessage(msgNo);
    t.simulators.feyin.addMessage(msgNo, {}, SECOND.feyin.memberCode);
    const query = 'subscription($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status } }';
    const theirs = subscriber(t.url, { Authorization: headers[SHOP]!.authorization });
    const mine = subscriber(t.url, { Authorization: headers.default!.authorization });
    try {
      const shopEvents = theirs.subscribe<{ printMessageUpdated: { status: string } }>(query, { m: msgNo });
      const defaultEvents = mine.subscribe<{ printMessageUpdated: { status: string } }>(query, { m: msgNo });
      await eventually(() => shopEvents.events.length === 1 && defaultEvents.events.length === 1, { what: 'the first states' });
      expect(
        (await as('default', 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }', { m: msgNo })).errors,
      ).toBeUndefined();
      await eventually(() => defaultEvents.events.length === 2, { what: "default's cancel" });
      expect(defaultEvents.events.map((event) => event.printMessageUpdated.status)).toEqual(['queued', 'cancelled']);
      // A Feyin callback of default's member for the same msgNo does not reach shop-2 either.
      const payload = { device_no: FEYIN_SEED.onlinePrinter, msg_no: msgNo, print_time: formatFeyinTime(new Date()) };
      const callback = { msg_type: 'msg_printed', payload: { ...payload, secret: secretFor('msg_printed', payload, FIRST.feyin.apiKey) } };
      expect((await fetch(`${t.url}/callbacks/feyin`, { method: 'POST', body: JSON.stringify(callback) })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(shopEvents.events.map((event) => event.printMessageUpdated.status)).toEqual(['queued']);
      const shopRead = await as(SHOP, 'query($m: ID!) { printMessage(msgNo: $m) { status printedAt } }', { m: msgNo });
      expect(shopRead.data).toEqual({ printMessage: { status: 'queued', printedAt: null } });
    } finally {
      await Promise.all([theirs.dispose(), mine.dispose()]);
    }
  });

  it("callbacks are checked with the merchant's own key, and reach only that merchant's records", async () => {
    const msgNo = FEYIN_SECOND_SEED.queuedMessages[1]!;
    const payload = { device_no: FEYIN_SECOND_SEED.onlinePrinter, msg_no: msgNo, print_time: formatFeyinTime(new Date()) };
    const signedWith = (key: string) =>
      JSON.stringify({ msg_type: 'msg_printed', payload: { ...payload, secret: secretFor('msg_printed', payload, key) } });
    const post = (path: string, body: string) => fetch(`${t.url}${path}`, { method: 'POST', body }).then((response) => response.status);
    // default's key on shop-2's URL, shop-2's key on default's URL, an unknown merchant: all refused alike.
    expect(await post(`/callbacks/feyin/${SHOP}`, signedWith(FIRST.feyin.apiKey))).toBe(401);
    expect(await post('/callbacks/feyin', signedWith(SECOND.feyin.apiKey))).toBe(401);
    expect(await post('/callbacks/feyin/shop-9', signedWith(SECOND.feyin.apiKey))).toBe(401);
    expect(await post('/callbacks/feyin/shop-3', signedWith(SECOND.feyin.apiKey))).toBe(401);
    expect((await as(SHOP, 'query($m: ID!) { printMessage(msgNo: $m) { printedAt } }', { m: msgNo })).data).toEqual({
      printMessage: { printedAt: null },
    });
    expect(await post(`/callbacks/feyin/${SHOP}`, signedWith(SECOND.feyin.apiKey))).toBe(200);
    const printed = await as(SHOP, 'query($m: ID!) { printMessage(msgNo: $m) { status printedAt } }', { m: msgNo });
    expect(printed.data?.printMessage).toMatchObject({ status: 'printed' });
    const rows = await t.service.store.db.selectFrom('feyin_printed_messages').select('merchant').where('msg_no', '=', msgNo).execute();
    expect(rows).toEqual([{ merchant: SHOP }]);

    // LifePay: a callback URL is signed for its merchant; default's URL for the same extId is not shop-2's.
    const tokens = await CallbackTokens.load({ callbackSecret: CALLBACK_SECRET }, t.service.store);
    const shopUrl = lifepayCallbackUrl(t.url, tokens, SHOP, 'Z-1')!;
    const defaultUrl = lifepayCallbackUrl(t.url, tokens, 'default', 'Z-1')!;
    expect(shopUrl).toContain(`/callbacks/lifepay/${SHOP}/Z-1/`);
    const forged = shopUrl.replace(/\/[^/]+$/, `/${defaultUrl.split('/').pop()}`);
    expect(await post(new URL(forged).pathname, '{"status":"done"}')).toBe(404);
    expect(await post(new URL(defaultUrl).pathname.replace('/lifepay/', `/lifepay/${SHOP}/`), '{"status":"done"}')).toBe(404);
    expect(await post(new URL(shopUrl).pathname, '{"status":"shop-2 done"}')).toBe(200);
    const notified = async (who: string) =>
      (await as(who, '{ fiscalDocument(extId: "Z-1") { status notification } }')).data?.fiscalDocument as Record<string, unknown>;
    expect(await notified(SHOP)).toEqual({ status: 'PROCESSED', notification: '{"status":"shop-2 done"}' });
    expect(await notified('default')).toMatchObject({ status: 'ACCEPTED', notification: null });
  });

  it('a reload that removes a merchant: its callers get FORBIDDEN, its waiting X-report ends FAILED with VENDOR_NOT_CONFIGURED', async () => {
    t.simulators.lifepay.answerUnavailable(1);
    const waiting = await as(SHOP, 'mutation { printXReport(input: { extId: "S2-RETRY" }) { document { status } } }');
    expect(waiting.data).toEqual({ printXReport: { document: { status: 'RETRY_SCHEDULED' } } });
    // An open subscription of shop-2's, and one of default's, across the reload.
    const theirs = subscriber(t.url, { Authorization: headers[SHOP]!.authorization });
    const mine = subscriber(t.url, { Authorization: headers.default!.authorization });
    // Neither ever completes by itself: shop-2's message is still queued, a printer never ends.
    const theirSubscription = theirs.subscribe('subscription { printMessageUpdated(msgNo: "SAME-ID-IN-BOTH") { status } }');
    const mySubscription = mine.subscribe(`subscription { printerUpdated(deviceNo: "${FEYIN_SEED.onlinePrinter}") { status } }`);
    await eventually(() => theirSubscription.events.length === 1 && mySubscription.events.length === 1, { what: 'both subscribed' });
    // Nothing else in the file changes: default's merchant and shop-3 stay as they were.
    writeFileSync(file, JSON.stringify({ 'shop-3': JSON.parse(merchantsFile(running))['shop-3'] }));
    expect(await t.service.merchants.reload()).toBe(true);
    expect((await as(SHOP, '{ fiscalDocument(extId: "Z-1") { extId } }')).status).toBe(403);
    // The removed merchant's socket is refused as a new one would be; default's stays open.
    expect(await theirs.closed).toBe(4403);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.service.entityChanges.size).toBe(1);
    await mine.dispose();
    const row = () =>
      t.service.store.db
        .selectFrom('vendor_documents')
        .select(['status', 'last_error_code'])
        .where('merchant', '=', SHOP)
        .where('ext_id', '=', 'S2-RETRY')
        .executeTakeFirstOrThrow();
    await eventually(async () => (await row()).status === 'FAILED', { timeoutMs: 10_000, what: 'the retry ending FAILED' });
    expect(await row()).toEqual({ status: 'FAILED', last_error_code: 'VENDOR_NOT_CONFIGURED' });
    // Only the first attempt reached LifePay: the retry was never sent with anybody's key.
    expect(t.simulators.lifepay.documentsWithExtId('S2-RETRY', SECOND.lifepay.apiKey)).toHaveLength(0);
    expect(t.simulators.lifepay.documentsWithExtId('S2-RETRY', FIRST.lifepay.apiKey)).toHaveLength(0);
    expect((await as('default', '{ fiscalDocument(extId: "Z-1") { extId } }')).data).toEqual({ fiscalDocument: { extId: 'Z-1' } });
    for (const secret of [...t.secrets, SECOND.feyin.apiKey, SECOND.lifepay.apiKey, SECOND.pickup.appSecret, CALLBACK_SECRET]) {
      expect(t.logs.text).not.toContain(secret);
    }
  });
});

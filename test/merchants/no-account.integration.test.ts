import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIUSB_SEED,
  FEYIN_SEED,
  LIFEPAY_SEED,
  PICKUP_SEED,
  SANDBOX_CREDENTIALS,
  sandboxEnv,
  startSandbox,
  type RunningSandbox,
} from '../../src/sandbox/index.js';
import { startTestService, type GraphQLAnswer, type TestService } from '../helpers/service.js';
import { subscriber } from '../helpers/subscriber.js';
import { ALL_SCOPES, mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

/** A merchant with no vendor account at all, and one with every account but LifePay (the case). */
const BARE = 'bare';
const NO_LIFEPAY = 'no-lifepay';
const SECOND = SANDBOX_CREDENTIALS['shop-2'];

type Vendor = 'FEYIN' | 'PICKUP' | 'APIUSB' | 'LIFEPAY';

/**
 * Every operation that calls a vendor, for a merchant without an account with it: the answer is
 * VENDOR_NOT_CONFIGURED naming the merchant and the vendor, whatever the input (a bad id, no login),
 * because no rule can hold before the account exists.
 */
const OPERATIONS: Array<{ vendor: Vendor; query: string }> = [
  { vendor: 'FEYIN', query: `{ printer(deviceNo: "${FEYIN_SEED.onlinePrinter}") { deviceNo status } }` },
  { vendor: 'FEYIN', query: '{ printer(deviceNo: "a/b") { deviceNo } }' },
  { vendor: 'FEYIN', query: `{ printMessage(msgNo: "${FEYIN_SEED.queuedMessages[0]}") { msgNo status } }` },
  { vendor: 'FEYIN', query: `mutation { cancelPrintMessage(msgNo: "${FEYIN_SEED.queuedMessages[1]}") { cancelled } }` },
  { vendor: 'FEYIN', query: 'mutation { cancelPrintMessage(msgNo: "..") { cancelled } }' },
  {
    vendor: 'FEYIN',
    query: `{ _entities(representations: [{ __typename: "Printer", deviceNo: "${FEYIN_SEED.onlinePrinter}" }]) { ... on Printer { status } } }`,
  },
  {
    vendor: 'FEYIN',
    query: `{ _entities(representations: [{ __typename: "PrintMessage", msgNo: "${FEYIN_SEED.queuedMessages[0]}" }]) { ... on PrintMessage { msgNo } } }`,
  },
  {
    vendor: 'FEYIN',
    query: '{ _entities(representations: [{ __typename: "PrintMessage", msgNo: true }]) { ... on PrintMessage { msgNo } } }',
  },
  {
    vendor: 'PICKUP',
    query: `{ machine(machineNo: "${PICKUP_SEED.onlineMachine}") { pickupCodes(productId: "${PICKUP_SEED.productId}") { id } } }`,
  },
  { vendor: 'PICKUP', query: `{ machine(machineNo: "${PICKUP_SEED.onlineMachine}") { pickupCodes(productId: "a/b") { id } } }` },
  { vendor: 'PICKUP', query: `mutation { cancelPickupCodes(machineNo: "${PICKUP_SEED.onlineMachine}") { scope } }` },
  { vendor: 'PICKUP', query: 'mutation { cancelPickupCodes(machineNo: "123", pickupCodeId: "x") { scope } }' },
  {
    vendor: 'PICKUP',
    query: `{ _entities(representations: [{ __typename: "Machine", machineNo: "${PICKUP_SEED.onlineMachine}" }]) { ... on Machine { pickupCodes(productId: "${PICKUP_SEED.productId}") { id } } } }`,
  },
  {
    vendor: 'APIUSB',
    query: `mutation { cancelOrder(orderId: "${APIUSB_SEED.cancellableOrders[0].orderId}", taskId: "${APIUSB_SEED.cancellableOrders[0].taskId}", reason: "test") { order { status } } }`,
  },
  { vendor: 'APIUSB', query: 'mutation { cancelOrder(orderId: "a b", taskId: "", reason: "") { order { status } } }' },
  { vendor: 'LIFEPAY', query: 'mutation { printXReport(input: { extId: "Z-1" }) { document { status } } }' },
  { vendor: 'LIFEPAY', query: 'mutation { printXReport(input: { extId: "Z-1", login: "123" }) { document { status } } }' },
  { vendor: 'LIFEPAY', query: 'mutation { printXReport(input: { extId: "Z-1", login: "79990000017" }) { document { status } } }' },
];

/** What calls no vendor (this service's own records): answered as for a merchant that has none. */
const STORE_READS: Array<{ query: string; data: unknown }> = [
  { query: '{ fiscalDocument(extId: "Z-1") { extId } }', data: { fiscalDocument: null } },
  {
    query: `{ machine(machineNo: "${PICKUP_SEED.onlineMachine}") { machineNo } }`,
    data: { machine: { machineNo: PICKUP_SEED.onlineMachine } },
  },
  {
    query: `{ _entities(representations: [{ __typename: "LogisticsOrder", orderId: "${APIUSB_SEED.cancellableOrders[0].orderId}" }]) { ... on LogisticsOrder { status } } }`,
    data: { _entities: [{ status: 'UNKNOWN' }] },
  },
  {
    query: '{ _entities(representations: [{ __typename: "PickupCode", id: "1122223" }]) { ... on PickupCode { status } } }',
    data: { _entities: [null] },
  },
  {
    query: '{ _entities(representations: [{ __typename: "FiscalDocument", extId: "Z-1" }]) { ... on FiscalDocument { status } } }',
    data: { _entities: [null] },
  },
  {
    query: `{ _entities(representations: [{ __typename: "FiscalRegister", serial: "${LIFEPAY_SEED.register}" }]) { ... on FiscalRegister { documents { extId } } } }`,
    data: { _entities: [{ documents: [] }] },
  },
];

describe('a merchant without an account with a vendor: VENDOR_NOT_CONFIGURED before any other rule, and nothing reaches the vendor', () => {
  let running: RunningSandbox;
  let t: TestService;
  let dir: string;
  const headers: Record<string, Record<string, string>> = {};
  const as = (who: string, query: string): Promise<GraphQLAnswer<Record<string, unknown>>> =>
    t.gql<Record<string, unknown>, Record<string, unknown>>(query, undefined, headers[who]);
  const vendorRequests = () => running.sandbox.requests.length;

  beforeAll(async () => {
    running = await startSandbox();
    dir = mkdtempSync(join(tmpdir(), 'no-account-'));
    const file = join(dir, 'merchants.json');
    const env = sandboxEnv(running, { merchant: 'shop-2' });
    writeFileSync(
      file,
      JSON.stringify({
        [BARE]: {},
        [NO_LIFEPAY]: {
          feyin: { baseUrl: env.FEYIN_BASE_URL, memberCode: SECOND.feyin.memberCode, apiKey: SECOND.feyin.apiKey },
          pickup: { baseUrl: env.PICKUP_BASE_URL, ...SECOND.pickup },
          apiusb: { baseUrl: env.APIUSB_BASE_URL, ...SECOND.apiusb },
        },
      }),
    );
    t = await startTestService({
      sandbox: running,
      env: { AUTH_DISABLED: 'false', AUTH_JWT_SECRET: TEST_JWT_SECRET, MERCHANTS_FILE: file },
    });
    for (const who of [BARE, NO_LIFEPAY])
      headers[who] = { authorization: `Bearer ${await mintToken({ scope: ALL_SCOPES, merchant: who })}` };
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await running?.sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(OPERATIONS)('$vendor: $query', async ({ vendor, query }) => {
    const before = vendorRequests();
    const answer = await as(BARE, query);
    expect(answer.errors, JSON.stringify(answer)).toHaveLength(1);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor, retryable: false });
    expect(answer.errors?.[0]?.message).toContain(`merchant "${BARE}"`);
    expect(answer.errors?.[0]?.message).toContain(vendor.toLowerCase());
    expect(vendorRequests()).toBe(before);
  });

  it('the issue: printXReport(input: { extId: "Z-1" }) for a merchant whose only missing account is LifePay', async () => {
    const before = vendorRequests();
    const answer = await as(NO_LIFEPAY, 'mutation { printXReport(input: { extId: "Z-1" }) { document { status } } }');
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor: 'LIFEPAY' });
    expect(answer.errors?.[0]?.message).toBe(
      `LIFEPAY is not configured on this service (missing an account with lifepay for merchant "${NO_LIFEPAY}" (MERCHANTS_FILE))`,
    );
    expect(answer.errors?.[0]?.message).not.toContain('LIFEPAY_LOGIN');
    expect(vendorRequests()).toBe(before);
    // Nothing was recorded either: no document waits for an account that does not exist.
    const rows = await t.service.store.db.selectFrom('vendor_documents').select('merchant').where('merchant', '!=', 'default').execute();
    expect(rows).toEqual([]);
  });

  it.each(['printMessageUpdated(msgNo: "FY0000000000000000000000000001") { msgNo }', 'printerUpdated(deviceNo: "a/b") { status }'])(
    'FEYIN subscription %s ends with VENDOR_NOT_CONFIGURED over graphql-ws',
    async (field) => {
      const before = vendorRequests();
      const client = subscriber(t.url, { Authorization: headers[BARE]!.authorization });
      try {
        const subscription = client.subscribe(`subscription { ${field} }`);
        await subscription.ended;
        expect(subscription.events).toEqual([]);
        expect(subscription.errors[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor: 'FEYIN' });
        expect(subscription.errors[0]?.message).toContain(`merchant "${BARE}"`);
      } finally {
        await client.dispose();
      }
      expect(vendorRequests()).toBe(before);
    },
  );

  it.each(STORE_READS)('a read of this service’s own records needs no account: $query', async ({ query, data }) => {
    const before = vendorRequests();
    const answer = await as(BARE, query);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual(data);
    expect(vendorRequests()).toBe(before);
  });
});

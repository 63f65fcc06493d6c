import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelOrderDocument, CancelPrintMessageDocument } from '../__generated__/graphql.js';
import { SANDBOX_CREDENTIALS, sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { ALL_SCOPES, mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const REPLICAS = 3;
const CANCELS = 90;
const SHOP = 'shop-2';

/** Three real processes on one PostgreSQL serving two merchants: each Feyin and APIUSB account fetches its token once. */
describe('two merchants over three replicas (real processes, PostgreSQL)', () => {
  let running: RunningSandbox;
  let database: TestDatabase;
  let dir: string;
  let replicas: ChildService[] = [];
  const auth: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    running = await startSandbox();
    database = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'merchants-replicas-'));
    const shop = sandboxEnv(running, { merchant: SHOP });
    const second = SANDBOX_CREDENTIALS[SHOP];
    const file = join(dir, 'merchants.json');
    writeFileSync(
      file,
      JSON.stringify({
        [SHOP]: {
          feyin: {
            baseUrl: shop.FEYIN_BASE_URL,
            memberCode: second.feyin.memberCode,
            apiKey: second.feyin.apiKey,
            appId: second.feyin.appId,
          },
          apiusb: { baseUrl: shop.APIUSB_BASE_URL, appKey: second.apiusb.appKey, appSecret: second.apiusb.appSecret },
        },
      }),
    );
    const started = await Promise.allSettled(
      Array.from({ length: REPLICAS }, () =>
        spawnService({
          VENDOR_MODE: 'live',
          AUTH_JWT_SECRET: TEST_JWT_SECRET,
          MERCHANTS_FILE: file,
          DATABASE_URL: database.url,
          VENDOR_TIMEOUT_MS: '5000',
          ...sandboxEnv(running),
        }),
      ),
    );
    replicas = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    auth.default = { authorization: `Bearer ${await mintToken({ scope: ALL_SCOPES })}` };
    auth[SHOP] = { authorization: `Bearer ${await mintToken({ scope: ALL_SCOPES, merchant: SHOP })}` };
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await running?.sandbox.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("concurrent cancels of both merchants over the replicas cost one token fetch per account, each with the merchant's own", async () => {
    const { feyin, apiusb } = running.simulators;
    const members = { default: SANDBOX_CREDENTIALS.default.feyin.memberCode, [SHOP]: SANDBOX_CREDENTIALS[SHOP].feyin.memberCode };
    const work = (['default', SHOP] as const).flatMap((who) =>
      Array.from({ length: CANCELS }, (_, i) => {
        const msgNo = `${who}-BURST-${i}`;
        feyin.addMessage(msgNo, {}, members[who]);
        return { who, msgNo };
      }),
    );
    // Interleaved: every replica serves both merchants at once.
    const answers = await Promise.all(
      work.map(({ who, msgNo }, i) => replicas[i % REPLICAS]!.gql(CancelPrintMessageDocument, { msgNo }, auth[who])),
    );
    expect(answers.filter((answer) => answer.errors).map((answer) => answer.errors)).toEqual([]);
    for (const { who, msgNo } of work) expect(feyin.account(members[who]).messages.get(msgNo)?.status).toBe('cancelled');
    expect(feyin.tokensIssuedBy(members.default)).toBe(1);
    expect(feyin.tokensIssuedBy(members[SHOP])).toBe(1);

    const orders = { default: SANDBOX_CREDENTIALS.default.apiusb.appKey!, [SHOP]: SANDBOX_CREDENTIALS[SHOP].apiusb.appKey! };
    const cancels = (['default', SHOP] as const).flatMap((who) =>
      Array.from({ length: 20 }, (_, i) => {
        const orderId = `${who === 'default' ? 1 : 2}0000000000${String(i).padStart(3, '0')}`;
        apiusb.addOrder(orderId, { taskId: `T${orderId}` }, orders[who]);
        return { who, orderId };
      }),
    );
    const cancelled = await Promise.all(
      cancels.map(({ who, orderId }, i) =>
        replicas[i % REPLICAS]!.gql(CancelOrderDocument, { orderId, taskId: `T${orderId}`, reason: 'burst' }, auth[who]),
      ),
    );
    expect(cancelled.filter((answer) => answer.errors).map((answer) => answer.errors)).toEqual([]);
    expect(apiusb.tokensIssuedBy(orders.default)).toBe(1);
    expect(apiusb.tokensIssuedBy(orders[SHOP])).toBe(1);
  });
});

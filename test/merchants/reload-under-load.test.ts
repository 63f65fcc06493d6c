import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS, sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { ALL_SCOPES, mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const SHOP = 'shop-2';

describe('MERCHANTS_FILE reloaded under load', () => {
  let running: RunningSandbox;
  let t: TestService;
  let dir: string;
  let file: string;
  /** The file with shop-2 and `others` more merchants: each write makes a new set, shop-2's account unchanged. */
  const write = (others: number) => {
    const shop = sandboxEnv(running, { merchant: SHOP });
    const second = SANDBOX_CREDENTIALS[SHOP].feyin;
    const extra = Object.fromEntries(
      Array.from({ length: others }, (_, i) => [`extra-${i}`, { feyin: { memberCode: `m${i}`, apiKey: `k${i}` } }]),
    );
    writeFileSync(
      file,
      JSON.stringify({
        [SHOP]: { feyin: { baseUrl: shop.FEYIN_BASE_URL, memberCode: second.memberCode, apiKey: second.apiKey, appId: second.appId } },
        ...extra,
      }),
    );
  };

  beforeAll(async () => {
    running = await startSandbox();
    dir = mkdtempSync(join(tmpdir(), 'merchants-reload-'));
    file = join(dir, 'merchants.json');
    write(0);
    t = await startTestService({
      sandbox: running,
      env: { AUTH_DISABLED: 'false', AUTH_JWT_SECRET: TEST_JWT_SECRET, MERCHANTS_FILE: file },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await running?.sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no request fails while the file is rewritten and reloaded 30 times (SIGHUP-style and by the watcher), and no token is fetched again', async () => {
    const tokens = {
      default: { authorization: `Bearer ${await mintToken({ scope: ALL_SCOPES })}` },
      [SHOP]: { authorization: `Bearer ${await mintToken({ scope: ALL_SCOPES, merchant: SHOP })}` },
    };
    const members = { default: SANDBOX_CREDENTIALS.default.feyin.memberCode, [SHOP]: SANDBOX_CREDENTIALS[SHOP].feyin.memberCode };
    const reloads: Array<Promise<boolean>> = [];
    let done = false;
    const reloading = (async () => {
      for (let i = 1; i <= 30; i += 1) {
        write(i % 7);
        reloads.push(t.service.merchants.reload());
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      done = true;
    })();
    const failures: unknown[] = [];
    let served = 0;
    const caller = async (who: 'default' | typeof SHOP, lane: number) => {
      for (let i = 0; !done; i += 1) {
        const msgNo = `${who}-RELOAD-${lane}-${i}`;
        t.simulators.feyin.addMessage(msgNo, {}, members[who]);
        const answer = await t.gql('mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }', { m: msgNo }, tokens[who]);
        if (answer.errors || answer.status !== 200) failures.push({ who, status: answer.status, errors: answer.errors });
        served += 1;
      }
    };
    await Promise.all([reloading, ...[0, 1, 2, 3].map((lane) => caller(lane % 2 ? SHOP : 'default', lane))]);
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(40);
    expect(await Promise.all(reloads)).toEqual(reloads.map(() => true));
    expect(t.service.merchants.get('extra-1')).toBeDefined();
    // A reloaded merchant gets a new client, which finds the account's token in the store.
    expect(t.simulators.feyin.tokensIssuedBy(members.default)).toBe(1);
    expect(t.simulators.feyin.tokensIssuedBy(members[SHOP])).toBe(1);
  });
});

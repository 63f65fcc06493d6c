import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';
import { ALL_SCOPES, mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

/**
 * A Feyin of our own that holds every cancel for `holdMs` and counts, per member, how many are
 * in flight at once: each member's token is `token-<member code>`.
 */
class SlowFeyin {
  readonly inFlight = new Map<string, number>();
  readonly most = new Map<string, number>();
  holdMs = 300;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://feyin');
      const answer = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (url.pathname === '/token') return answer({ access_token: `token-${url.searchParams.get('code')}`, expires_in: 7200 });
      const member = (url.searchParams.get('access_token') ?? '').replace(/^token-/, '');
      const now = (this.inFlight.get(member) ?? 0) + 1;
      this.inFlight.set(member, now);
      this.most.set(member, Math.max(now, this.most.get(member) ?? 0));
      setTimeout(() => {
        this.inFlight.set(member, this.inFlight.get(member)! - 1);
        answer({ errcode: 0, errmsg: 'ok' });
      }, this.holdMs);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

const CANCEL = 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }';

describe('MERCHANT_VENDOR_CONCURRENCY: one merchant cannot take every vendor socket', () => {
  const feyin = new SlowFeyin();
  let url: string;
  let dir: string;
  const services: TestService[] = [];
  beforeAll(async () => {
    url = await feyin.start();
    dir = mkdtempSync(join(tmpdir(), 'merchants-fairness-'));
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.stop()));
    feyin.most.clear();
    feyin.holdMs = 300;
  });
  afterAll(async () => {
    await feyin.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = (env: Record<string, string>) =>
    startTestService({
      env: {
        AUTH_DISABLED: 'false',
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        FEYIN_BASE_URL: url,
        FEYIN_MEMBER_CODE: 'flooder',
        FEYIN_API_KEY: 'k',
        VENDOR_TIMEOUT_MS: '5000',
        MERCHANT_VENDOR_CONCURRENCY: '4',
        ...env,
      },
    }).then((service) => (services.push(service), service));

  it("a flood of one merchant keeps at most the limit in flight, queued within the deadline; another merchant's call is not held behind it", async () => {
    const file = join(dir, 'merchants.json');
    writeFileSync(file, JSON.stringify({ quiet: { feyin: { baseUrl: url, memberCode: 'quiet', apiKey: 'k' } } }));
    const t = await start({ MERCHANTS_FILE: file });
    const flooder = { authorization: `Bearer ${await mintToken({ scope: ALL_SCOPES })}` };
    const quiet = { authorization: `Bearer ${await mintToken({ scope: ALL_SCOPES, merchant: 'quiet' })}` };
    const flood = Array.from({ length: 20 }, (_, i) => t.gql(CANCEL, { m: `FLOOD-${i}` }, flooder));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const alone = await t.gql(CANCEL, { m: 'QUIET-1' }, quiet);
    const quietMs = performance.now() - started;
    const answers = await Promise.all(flood);
    expect(alone.data).toEqual({ cancelPrintMessage: { cancelled: true } });
    expect(
      answers.every(
        (answer) => (answer.data as { cancelPrintMessage?: { cancelled: boolean } } | undefined)?.cancelPrintMessage?.cancelled === true,
      ),
    ).toBe(true);
    expect(feyin.most.get('flooder')).toBe(4);
    // The flood needs five rounds of 300 ms; the quiet merchant's one call took about one.
    expect(quietMs).toBeLessThan(1_000);
    // Calls wait in line within their deadline (5 s): four answer, the rest end VENDOR_UNAVAILABLE
    // (retryable) by the deadline, whether they timed out at the vendor or still in line.
    feyin.holdMs = 3_000;
    const lateStarted = performance.now();
    const late = await Promise.all(Array.from({ length: 12 }, (_, i) => t.gql(CANCEL, { m: `LATE-${i}` }, flooder)));
    const codes = late.map((answer) => (answer.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(4);
    expect(codes.filter((code) => code === 'VENDOR_UNAVAILABLE')).toHaveLength(8);
    expect(late.every((answer) => !answer.errors || answer.errors[0]?.extensions?.retryable === true)).toBe(true);
    expect(performance.now() - lateStarted).toBeLessThan(7_000);
    feyin.holdMs = 300;
  }, 30_000);

  it('with only the default merchant there is nobody to be fair to: every call goes out at once, as before merchants', async () => {
    const t = await start({ FEYIN_MEMBER_CODE: 'alone' });
    const flooder = { authorization: `Bearer ${await mintToken({ scope: ALL_SCOPES })}` };
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => t.gql(CANCEL, { m: `ALONE-${i}` }, flooder)));
    expect(
      answers.every(
        (answer) => (answer.data as { cancelPrintMessage?: { cancelled: boolean } } | undefined)?.cancelPrintMessage?.cancelled === true,
      ),
    ).toBe(true);
    expect(feyin.most.get('alone')).toBe(12);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFeyinTime } from '../../src/printing/feyin-callback.js';
import { secretFor } from '../../src/printing/feyin-callback-signer.js';
import { FEYIN_SEED, SANDBOX_CREDENTIALS, sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { tempDir } from '../helpers/cleanup.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { subscriber, type Subscriber, type Subscription } from '../helpers/subscriber.js';
import { ALL_SCOPES, mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const SHOP = 'shop-2';
const SECOND = SANDBOX_CREDENTIALS[SHOP];
const MSG = 'FY0000000000000000000000000777';
const WATCH = 'subscription($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status printedAt } }';
type MessageEvent = { printMessageUpdated: { msgNo: string; status: string | null; printedAt: string | null } };

describe('live updates: one vendor read per change, shared by every subscriber of the key on this replica', () => {
  let running: RunningSandbox;
  let t: TestService;
  const clients: Subscriber[] = [];
  const tokens: Record<string, string> = {};
  const client = (who: string) => {
    const made = subscriber(t.url, { Authorization: `Bearer ${tokens[who]}` });
    clients.push(made);
    return made;
  };
  /** Feyin's status reads of MSG, by member (the token's account). */
  const statusReads = () => running.sandbox.requestsTo('/feyin').filter((r) => r.path === `/msg/${MSG}/status`).length;

  beforeAll(async () => {
    running = await startSandbox();
    // The same message number at both merchants' Feyin members, in different states.
    running.simulators.feyin.addMessage(MSG);
    running.simulators.feyin.addMessage(MSG, { status: 'printing' }, SECOND.feyin.memberCode);
    const dir = tempDir('shared-reads-');
    const file = join(dir, 'merchants.json');
    const env = sandboxEnv(running, { merchant: SHOP });
    writeFileSync(
      file,
      JSON.stringify({
        [SHOP]: { feyin: { baseUrl: env.FEYIN_BASE_URL, memberCode: SECOND.feyin.memberCode, apiKey: SECOND.feyin.apiKey } },
      }),
    );
    t = await startTestService({
      sandbox: running,
      env: { AUTH_DISABLED: 'false', AUTH_JWT_SECRET: TEST_JWT_SECRET, MERCHANTS_FILE: file, LOG_LEVEL: 'info' },
    });
    tokens.default = await mintToken({ scope: ALL_SCOPES });
    tokens.noRead = await mintToken({ scope: 'printing:write' });
    tokens[SHOP] = await mintToken({ scope: ALL_SCOPES, merchant: SHOP });
  }, 60_000);
  afterAll(async () => {
    for (const made of clients) await made.dispose();
    await t?.stop();
    await running?.sandbox.close();
  });

  it('300 subscribers over 3 sockets: one read when they start together, one read for the change, every one gets it', async () => {
    const before = statusReads();
    const subs: Array<Subscription<MessageEvent>> = [];
    for (let socket = 0; socket < 3; socket++) {
      const made = client('default');
      for (let i = 0; i < 100; i++) subs.push(made.subscribe<MessageEvent>(WATCH, { m: MSG }));
    }
    // Another merchant on the same message number, and a caller without vendors:read, beside them.
    const shops = client(SHOP).subscribe<MessageEvent>(WATCH, { m: MSG });
    const unscoped = client('noRead').subscribe<MessageEvent>(WATCH, { m: MSG });

    await eventually(() => subs.every((s) => s.events.length === 1), { what: 'every first state' });
    expect(subs.every((s) => s.events[0]!.printMessageUpdated.status === 'queued')).toBe(true);
    await eventually(() => shops.events.length === 1, { what: "the other merchant's first state" });
    // Its own message, read with its own account: never default's shared state.
    expect(shops.events[0]!.printMessageUpdated.status).toBe('printing');
    expect(await unscoped.ended).toBe('complete');
    expect(unscoped.events).toEqual([]);
    expect(unscoped.errors[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    // One read for default's 300 subscribers, one for shop-2's one.
    expect(statusReads() - before).toBe(2);

    // Feyin calls back: the message was printed. One read, 300 events.
    const afterStart = statusReads();
    const payload = { device_no: FEYIN_SEED.onlinePrinter, msg_no: MSG, print_time: formatFeyinTime(new Date()) };
    const secret = secretFor('msg_printed', payload, SANDBOX_CREDENTIALS.default.feyin.apiKey);
    const answer = await fetch(`${t.url}/callbacks/feyin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ msg_type: 'msg_printed', payload: { ...payload, secret } }),
    });
    expect(answer.status).toBe(200);
    await eventually(() => subs.every((s) => s.events.length === 2), { what: 'every subscriber to get the change' });
    expect(subs.every((s) => s.events[1]!.printMessageUpdated.printedAt !== null)).toBe(true);
    expect(statusReads() - afterStart).toBe(1);
    // The other merchant's subscriber heard nothing of it.
    expect(shops.events).toHaveLength(1);
    await Promise.all(subs.map((s) => s.ended));
  }, 60_000);
});

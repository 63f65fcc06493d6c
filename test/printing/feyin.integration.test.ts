import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CancelPrintMessageDocument, PrinterStatusDocument, PrintMessageStatusDocument } from '../__generated__/graphql.js';
import { rmSync } from 'node:fs';
import { FEYIN_SANDBOX_CREDENTIALS, FEYIN_SEED, FeyinSimulator, startSandbox } from '../../src/sandbox/index.js';
import { tempDir } from '../helpers/cleanup.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('printing domain against the Feyin simulator (live mode, real HTTP)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());
  beforeEach(() => t.sandbox.clearFaults());

  it('cancels a queued message and the vendor records it', async () => {
    const msgNo = 'CANCEL-OK-1';
    t.simulators.feyin.addMessage(msgNo);
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.cancelPrintMessage).toEqual({ cancelled: true, message: { msgNo, status: 'cancelled' } });
    expect(t.simulators.feyin.messages.get(msgNo)?.status).toBe('cancelled');
    const call = t.sandbox.requestsTo('/feyin').find((r) => r.path === `/msg/${msgNo}/cancel`);
    expect(call?.method).toBe('POST');
    expect(call?.query.get('access_token')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses to cancel a message already sent to the printer', async () => {
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.printingMessage });
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'FAILED_PRECONDITION',
      vendor: 'FEYIN',
      vendorCode: 40020,
      retryable: false,
    });
    expect(t.simulators.feyin.messages.get(FEYIN_SEED.printingMessage)?.status).toBe('printing');
  });

  it('refuses a second cancel of the same message, as Feyin does', async () => {
    const msgNo = 'CANCEL-TWICE-1';
    t.simulators.feyin.addMessage(msgNo);
    expect((await t.gql(CancelPrintMessageDocument, { msgNo })).data?.cancelPrintMessage.cancelled).toBe(true);
    const again = await t.gql(CancelPrintMessageDocument, { msgNo });
    expect(again.data).toBeNull();
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'FAILED_PRECONDITION',
      vendor: 'FEYIN',
      vendorCode: 40020,
      retryable: false,
    });
    expect(again.errors?.[0]?.message).toMatch(/cancelled/);
  });

  it('answers NOT_FOUND with vendorCode 40005 for an unknown msg_no', async () => {
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: 'NO-SUCH-MESSAGE' });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', vendor: 'FEYIN', vendorCode: 40005 });
    expect(answer.errors?.[0]?.message).toBe('Feyin has no print message with this number');
  });

  it('rejects a malformed msgNo before calling Feyin', async () => {
    const before = t.sandbox.requests.length;
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: '../device/x/msg/clear' });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { msgNo: [expect.any(String)] } });
    const blank = await t.gql(CancelPrintMessageDocument, { msgNo: '   ' });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { msgNo: ['must not be blank'] } });
    expect(t.sandbox.requests.length).toBe(before);
  });

  it('reads printer status, and null for an unknown printer', async () => {
    const online = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    expect(online.data?.printer).toMatchObject({ deviceNo: FEYIN_SEED.onlinePrinter, status: 'online', paperStatus: 'nomal' });
    expect(Date.parse(online.data!.printer!.lastConnectedAt as string)).toBeGreaterThan(Date.now() - 5 * 60_000);
    const offline = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.offlinePrinter });
    expect(offline.data?.printer).toMatchObject({ status: 'offline', paperStatus: 'lack' });
    const unknown = await t.gql(PrinterStatusDocument, { deviceNo: '999' });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.printer).toBeNull();
  });

  it('reads message status with times', async () => {
    const answer = await t.gql(PrintMessageStatusDocument, { msgNo: FEYIN_SEED.printedMessage });
    expect(answer.data?.printMessage).toMatchObject({ msgNo: FEYIN_SEED.printedMessage, status: 'printed' });
    expect(answer.data?.printMessage?.printedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const unknown = await t.gql(PrintMessageStatusDocument, { msgNo: 'NOPE' });
    expect(unknown.data?.printMessage).toBeNull();
  });

  it('renews a token the vendor revoked, once, transparently', async () => {
    await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    const issued = t.simulators.feyin.tokensIssued;
    t.simulators.feyin.revokeTokens();
    const answer = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    expect(answer.data?.printer?.status).toBe('online');
    expect(t.simulators.feyin.tokensIssued).toBe(issued + 1);
  });

  it('the simulator rotates tokens like WeChat: a new fetch invalidates the previous token of that account', async () => {
    const running = await startSandbox();
    try {
      const base = running.sandbox.baseUrl(running.simulators.feyin);
      const { memberCode, apiKey, appId } = FEYIN_SANDBOX_CREDENTIALS;
      const fetchToken = async (app?: string) => {
        const query = new URLSearchParams({ code: memberCode, secret: apiKey, ...(app ? { appid: app } : {}) });
        return ((await (await fetch(`${base}/token?${query}`)).json()) as { access_token: string }).access_token;
      };
      const status = async (token: string) =>
        ((await (await fetch(`${base}/device/${FEYIN_SEED.onlinePrinter}/status?access_token=${token}`)).json()) as { errcode?: number })
          .errcode;
      const first = await fetchToken(appId);
      const member = await fetchToken();
      expect(await status(first)).toBeUndefined();
      const second = await fetchToken(appId);
      expect(await status(first)).toBe(40014);
      expect(await status(second)).toBeUndefined();
      // The member-level token is another account's: the app-level fetch left it valid.
      expect(await status(member)).toBeUndefined();
    } finally {
      await running.sandbox.close();
    }
  });

  it('two services on one database share one Feyin token instead of knocking each other out', async () => {
    const running = await startSandbox();
    const dataDir = tempDir('vendor-ops-feyin-shared-');
    const first = await startTestService({ sandbox: running, env: { DATA_DIR: dataDir } });
    const second = await startTestService({ sandbox: running, env: { DATA_DIR: dataDir } });
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `SHARED-${i}`);
      for (const id of ids) running.simulators.feyin.addMessage(id);
      const answers = await Promise.all(ids.map((msgNo, i) => (i % 2 ? first : second).gql(CancelPrintMessageDocument, { msgNo })));
      expect(answers.map((a) => a.errors)).toEqual(ids.map(() => undefined));
      expect(running.simulators.feyin.tokensIssued).toBe(1);
    } finally {
      await first.stop();
      await second.stop();
      await running.sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('30 concurrent cancels cause at most one token fetch', async () => {
    const fresh = await startTestService({ simulators: { feyin: new FeyinSimulator() } });
    try {
      const ids = Array.from({ length: 30 }, (_, i) => `BURST-${i}`);
      for (const id of ids) fresh.simulators.feyin.addMessage(id);
      const answers = await Promise.all(ids.map((msgNo) => fresh.gql(CancelPrintMessageDocument, { msgNo })));
      expect(answers.every((a) => a.data?.cancelPrintMessage.cancelled === true)).toBe(true);
      expect(fresh.simulators.feyin.tokensIssued).toBe(1);
      expect(fresh.sandbox.requestsTo('/feyin').filter((r) => r.path === '/token')).toHaveLength(1);
    } finally {
      await fresh.stop();
    }
  });

  describe('vendor failures become VENDOR_UNAVAILABLE (retryable)', () => {
    const expectUnavailable = async (vendorCode: number | null) => {
      const started = Date.now();
      const answer = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.queuedMessages[2] });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'FEYIN', retryable: true, vendorCode });
      return Date.now() - started;
    };
    beforeEach(async () => {
      // A valid token first, so each fault hits the cancel call itself.
      await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    });

    it('HTTP 500', async () => {
      t.sandbox.inject('/feyin', { kind: 'status', status: 500 });
      await expectUnavailable(500);
    });

    it('a body that is not JSON', async () => {
      t.sandbox.inject('/feyin', { kind: 'garbage' });
      await expectUnavailable(200);
    });

    it('errcode -1 (system busy)', async () => {
      const msgNo = 'BUSY-1';
      t.simulators.feyin.addMessage(msgNo);
      const original = t.simulators.feyin.handle.bind(t.simulators.feyin);
      t.simulators.feyin.handle = () => ({ json: { errcode: -1, errmsg: 'system busy' } });
      try {
        const answer = await t.gql(CancelPrintMessageDocument, { msgNo });
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendorCode: -1, retryable: true });
      } finally {
        t.simulators.feyin.handle = original;
      }
    });

    it('a vendor that hangs past the timeout', async () => {
      t.sandbox.inject('/feyin', { kind: 'hang', ms: 5000 });
      const elapsed = await expectUnavailable(null);
      // VENDOR_TIMEOUT_MS is 1500 in tests: answered within the timeout plus slack, not after the hang.
      expect(elapsed).toBeLessThan(4500);
    });

    it('connection refused', async () => {
      const dead = await startTestService({ env: { FEYIN_BASE_URL: 'http://127.0.0.1:9/feyin' } });
      try {
        const answer = await dead.gql(CancelPrintMessageDocument, { msgNo: 'X1' });
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'FEYIN', retryable: true });
      } finally {
        await dead.stop();
      }
    });
  });

  it('never logs or answers a secret or token', async () => {
    const tokens = t.sandbox
      .requestsTo('/feyin')
      .map((r) => r.query.get('access_token'))
      .filter((s): s is string => Boolean(s));
    expect(tokens.length).toBeGreaterThan(0);
    const vendorLines = t.logs.records().filter((r) => r.msg === 'vendor call');
    expect(vendorLines.length).toBeGreaterThan(10);
    expect(vendorLines[0]).toMatchObject({
      vendor: 'FEYIN',
      method: expect.any(String),
      path: expect.any(String),
      durationMs: expect.any(Number),
    });
    for (const secret of [...t.secrets, ...tokens]) expect(t.logs.text).not.toContain(secret);
    expect(t.logs.text).not.toContain('access_token=');
  });
});

describe('live mode without Feyin credentials', () => {
  it('answers VENDOR_NOT_CONFIGURED and calls nobody', async () => {
    const t = await startTestService({ env: { FEYIN_MEMBER_CODE: '', FEYIN_API_KEY: '' } });
    try {
      const answer = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.queuedMessages[0] });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor: 'FEYIN' });
      expect(t.sandbox.requestsTo('/feyin')).toHaveLength(0);
      expect(t.logs.text).toMatch(/FEYIN answer VENDOR_NOT_CONFIGURED|notConfigured.*FEYIN/);
    } finally {
      await t.stop();
    }
  });
});

import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CancelOrderDocument,
  CancelPickupCodesDocument,
  CancelPrintMessageDocument,
  PrintXReportDocument,
} from '../__generated__/graphql.js';
import type { Vendor } from '../../src/errors/errors.js';
import { FakeVendor, hugeJson, redirect, resetMidBody, sendJson, trickle, type FakeRequest } from '../helpers/fake-vendor.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * The one HTTP factory against misbehaving vendors (issue 11 items 1, 5, 6, 7): every vendor
 * points at a fake on its own port whose misbehaviour each test sets.
 */

const FEYIN_TOKEN = 'feyin-access-token-SECRET-5678';
const SECRETS_ENV = {
  FEYIN_API_KEY: 'feyin-api-key-SECRET-1234',
  PICKUP_APP_SECRET: 'pickup-app-secret-SECRET-1234',
  PICKUP_SIGN_KEY: 'pickup-sign-key-SECRET-1234',
  APIUSB_ACCESS_TOKEN: 'apiusb-static-token-SECRET-1234',
  APIUSB_APP_KEY: '',
  APIUSB_APP_SECRET: '',
  LIFEPAY_API_KEY: 'lifepay-api-key-SECRET-1234',
};

interface Outcome {
  /** The first GraphQL error's extensions (Feyin, pickup, APIUSB). */
  extensions?: Record<string, unknown>;
  message?: string;
  /** LifePay: the document the mutation returned instead of failing. */
  document?: { status: string; lastError?: string | null };
  raw: string;
}

interface VendorCase {
  vendor: Vendor;
  prefix: string;
  /** The metrics label of the call under test. */
  operation: string;
  /** A success answer of the vendor's API, so that reading it whole would look like success. */
  success: Record<string, unknown>;
  call(t: TestService, n: number): Promise<Outcome>;
}

const asOutcome = (answer: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }): Outcome => ({
  extensions: answer.errors?.[0]?.extensions,
  message: answer.errors?.[0]?.message,
  raw: JSON.stringify(answer),
});

const VENDORS: VendorCase[] = [
  {
    vendor: 'FEYIN',
    prefix: '/feyin',
    operation: 'msg.cancel',
    success: { errcode: 0, errmsg: 'ok' },
    call: async (t) => asOutcome(await t.gql(CancelPrintMessageDocument, { msgNo: 'MSG-1' })),
  },
  {
    vendor: 'PICKUP',
    prefix: '/pickup',
    operation: 'pickup_code.delete.all',
    success: { code: 0, message: 'ok', data: null },
    call: async (t) => asOutcome(await t.gql(CancelPickupCodesDocument, { machineNo: '12345678' })),
  },
  {
    vendor: 'APIUSB',
    prefix: '/apiusb',
    operation: 'App.Logistics.CCancelOrder',
    success: { ret: 200, data: { code: 200, message: 'success', data: 'ok' }, msg: '' },
    call: async (t) => asOutcome(await t.gql(CancelOrderDocument, { orderId: 'A1', taskId: 'T1', reason: 'r' })),
  },
  {
    vendor: 'LIFEPAY',
    prefix: '/lifepay',
    operation: 'create-x-report',
    success: { code: 0, message: '', data: { uuid: '11111111-2222-3333-4444-555555555555' } },
    call: async (t, n) => {
      const answer = await t.gql(PrintXReportDocument, { input: { extId: `transport-${n}` } });
      return { ...asOutcome(answer), document: answer.data?.printXReport.document };
    },
  },
];

/** The caller sees VENDOR_UNAVAILABLE (or, for LifePay, a scheduled retry) whose message contains `reason`. */
function expectUnavailable(c: VendorCase, outcome: Outcome, reason: string | RegExp, vendorCode?: number): void {
  if (c.vendor === 'LIFEPAY') {
    expect(outcome.raw).not.toContain('"errors"');
    expect(outcome.document?.status).toBe('RETRY_SCHEDULED');
    expect(outcome.document?.lastError).toMatch(reason);
    return;
  }
  const expected = { code: 'VENDOR_UNAVAILABLE', vendor: c.vendor, retryable: true, ...(vendorCode ? { vendorCode } : {}) };
  expect(outcome.extensions).toMatchObject(expected);
  expect(outcome.message).toMatch(reason);
}

async function unavailableCalls(t: TestService, c: VendorCase): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const labels = [`vendor="${c.vendor}"`, `operation="${c.operation}"`, 'outcome="VENDOR_UNAVAILABLE"'];
  const line = text.split('\n').find((l) => l.startsWith('vendor_calls_total{') && labels.every((label) => l.includes(label)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('vendor transport: redirects, deadlines, body limits and resets (every vendor)', () => {
  let fake: FakeVendor;
  let thief: FakeVendor;
  let t: TestService;
  let misbehave: (request: FakeRequest, res: ServerResponse) => void;
  const emitted: string[] = [];
  let n = 0;

  beforeAll(async () => {
    [fake, thief] = await Promise.all([FakeVendor.start(), FakeVendor.start()]);
    fake.handler = (request, res) => {
      if (request.path === '/feyin/token') return sendJson(res, 200, { access_token: FEYIN_TOKEN, expires_in: 7200 });
      misbehave(request, res);
    };
    t = await startTestService({
      env: {
        ...SECRETS_ENV,
        FEYIN_BASE_URL: `${fake.url}/feyin`,
        PICKUP_BASE_URL: `${fake.url}/pickup`,
        APIUSB_BASE_URL: `${fake.url}/apiusb`,
        LIFEPAY_BASE_URL: `${fake.url}/lifepay`,
        VENDOR_TIMEOUT_MS: '1000',
        // No worker retries while other cases run against the same fake.
        LIFEPAY_RETRY_SCHEDULE: '600',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all([fake?.close(), thief?.close()]);
  });
  beforeEach(() => {
    n += 1;
  });

  const run = async (c: VendorCase) => {
    const outcome = await c.call(t, n);
    emitted.push(outcome.raw);
    return outcome;
  };

  describe.each(VENDORS)('$vendor', (c) => {
    it.each([302, 307])('never follows an HTTP %i redirect: VENDOR_UNAVAILABLE, the other origin gets nothing', async (status) => {
      const logStart = t.logs.lines.length;
      misbehave = (_request, res) => redirect(res, status, `${thief.url}/steal?access_token=stolen-query&apikey=x`);
      const outcome = await run(c);
      expectUnavailable(c, outcome, new RegExp(`redirect \\(HTTP ${status}\\)`), status);
      expect(thief.requests).toHaveLength(0);
      const logs = t.logs.lines.slice(logStart).join('\n');
      expect(logs).toContain(`"redirectTo":"${thief.url}/steal"`);
      expect(logs).not.toContain('stolen-query');
      for (const secret of [...t.secrets, FEYIN_TOKEN]) expect(logs).not.toContain(secret);
    });

    it('cuts a call whose answer never starts at VENDOR_TIMEOUT_MS (1 s)', async () => {
      misbehave = () => undefined;
      const started = Date.now();
      const outcome = await run(c);
      expectUnavailable(c, outcome, /did not answer in time/);
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('cuts a body trickled at 1 byte / 200 ms at VENDOR_TIMEOUT_MS (1 s), headers and body together', async () => {
      misbehave = (_request, res) => trickle(res, JSON.stringify(c.success));
      const started = Date.now();
      const outcome = await run(c);
      const elapsed = Date.now() - started;
      expectUnavailable(c, outcome, /did not answer in time/);
      expect(elapsed).toBeLessThan(1500);
    });

    it.each([true, false])('refuses a 50 MB answer (content-length: %s) without reading the rest', async (contentLength) => {
      let sentWhole: Promise<boolean> = Promise.resolve(true);
      misbehave = (_request, res) => {
        sentWhole = hugeJson(res, { prefix: c.success, bytes: 50 * 1024 * 1024, contentLength });
      };
      const outcome = await run(c);
      expectUnavailable(c, outcome, /larger than VENDOR_MAX_BODY_BYTES/);
      expect(await sentWhole).toBe(false);
    });

    it('a connection reset mid-body is VENDOR_UNAVAILABLE and counted in vendor_calls_total', async () => {
      const before = await unavailableCalls(t, c);
      misbehave = (_request, res) => resetMidBody(res);
      const outcome = await run(c);
      expectUnavailable(c, outcome, /answer was cut off/);
      expect(await unavailableCalls(t, c)).toBe(before + 1);
    });
  });

  it('no credential reached a log line or an answer', () => {
    const output = [t.logs.text, ...emitted].join('\n');
    expect(emitted.length).toBeGreaterThanOrEqual(VENDORS.length * 7);
    for (const secret of [...t.secrets, FEYIN_TOKEN]) expect(output).not.toContain(secret);
  });
});

describe('a vendor host whose name lookup never answers (issue 19 item 2)', () => {
  let t: TestService;
  let n = 0;
  beforeAll(async () => {
    // A made-up host: the injected lookup stands for a DNS server that drops every query.
    const host = 'http://vendor.invalid:1';
    t = await startTestService({
      env: {
        ...SECRETS_ENV,
        FEYIN_BASE_URL: `${host}/feyin`,
        PICKUP_BASE_URL: `${host}/pickup`,
        APIUSB_BASE_URL: `${host}/apiusb`,
        LIFEPAY_BASE_URL: `${host}/lifepay`,
        VENDOR_TIMEOUT_MS: '1000',
        LIFEPAY_RETRY_SCHEDULE: '600',
      },
      transport: { lookup: () => undefined },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each(VENDORS)('$vendor: VENDOR_UNAVAILABLE (LifePay: RETRY_SCHEDULED) at VENDOR_TIMEOUT_MS (1 s), not after 10 s', async (c) => {
    const started = Date.now();
    const outcome = await c.call(t, (n += 1));
    const elapsed = Date.now() - started;
    expectUnavailable(c, outcome, /did not answer in time/);
    expect(elapsed).toBeLessThan(1500);
  });
});

describe('LifePay outbox lease against a trickling vendor', () => {
  it('never sends the same X-report twice at once: each attempt ends before its lease', async () => {
    const fake = await FakeVendor.start();
    const inFlight = new Map<string, number>();
    let most = 0;
    fake.handler = (request, res) => {
      const extId = String((JSON.parse(request.body) as { ext_id?: unknown }).ext_id);
      inFlight.set(extId, (inFlight.get(extId) ?? 0) + 1);
      most = Math.max(most, inFlight.get(extId)!);
      res.on('close', () => inFlight.set(extId, inFlight.get(extId)! - 1));
      trickle(res, ' '.repeat(10_000)); // never finishes on its own
    };
    const t = await startTestService({
      env: { LIFEPAY_BASE_URL: fake.url, VENDOR_TIMEOUT_MS: '1000', LIFEPAY_WORKER_POLL_MS: '50', LIFEPAY_RETRY_SCHEDULE: '1' },
    });
    try {
      const answer = t.gql(PrintXReportDocument, { input: { extId: 'lease-1' } });
      // Longer than the lease the deadline implies (3 s): a hung attempt would be taken over here.
      await sleep(4500);
      expect(most).toBe(1);
      expect(fake.requests.length).toBeGreaterThanOrEqual(2);
      expect((await answer).data?.printXReport.document.status).toBe('RETRY_SCHEDULED');
    } finally {
      await fake.close();
      await t.stop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelOrderDocument,
  CancelPickupCodesDocument,
  CancelPrintMessageDocument,
  PrintMessageStatusDocument,
  PrintXReportDocument,
} from '../__generated__/graphql.js';
import type { Vendor } from '../../src/errors/errors.js';
import { FakeVendor, sendJson, type FakeRequest } from '../helpers/fake-vendor.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * What vendors say, read strictly (issue 11 items 8 and 11): a missing or unreadable result
 * code is never success, and vendor text that echoes our credentials never reaches a caller.
 */

const FEYIN_TOKEN = 'feyin-access-token-SECRET-5678';
const APIUSB_TOKEN = 'apiusb-issued-token-SECRET-9012';
const ENV = {
  FEYIN_API_KEY: 'feyin-api-key-SECRET-1234',
  PICKUP_APP_SECRET: 'pickup-app-secret-SECRET-1234',
  PICKUP_SIGN_KEY: 'pickup-sign-key-SECRET-1234',
  APIUSB_APP_KEY: 'apiusb-app-key-SECRET-1234',
  APIUSB_APP_SECRET: 'apiusb-app-secret-SECRET-1234',
  LIFEPAY_API_KEY: 'lifepay-api-key-SECRET-1234',
  PUBLIC_URL: 'https://vendor-ops.example',
  LIFEPAY_RETRY_SCHEDULE: '600',
};

type Answer = (request: FakeRequest) => unknown;

const FEYIN_CANCEL = '/feyin/msg/M1/cancel';
const PICKUP_CODES = '/pickup/api/openapi/v1/pickup_codes';
const LIFEPAY_X_REPORT = '/lifepay/cloud-print/create-x-report';
const UUID = 'aaaaaaaa-2222-3333-4444-555555555555';

describe('vendor answers read strictly, vendor text without our secrets', () => {
  let fake: FakeVendor;
  let t: TestService;
  const answers: Record<string, Answer> = {};
  const emitted: string[] = [];
  let n = 0;

  const defaults: Record<string, Answer> = {
    '/feyin/token': () => ({ access_token: FEYIN_TOKEN, expires_in: 7200 }),
    '/feyin/msg/M1/cancel': () => ({ errcode: 0, errmsg: 'ok' }),
    '/feyin/msg/M1/status': () => ({ msg_no: 'M1', status: 'cancelled', msg_time: '', print_time: '' }),
    '/pickup/api/openapi/v1/pickup_codes': () => ({ code: 0, message: 'ok', data: null }),
    'App.Auth.ApplyToken': () => ({ ret: 200, data: { access_token: APIUSB_TOKEN }, msg: '' }),
    'App.Logistics.CCancelOrder': () => ({ ret: 200, data: { code: 200, message: 'success', data: 'ok' }, msg: '' }),
    '/lifepay/cloud-print/create-x-report': () => ({ code: 0, message: '', data: { uuid: '11111111-2222-3333-4444-555555555555' } }),
  };

  beforeAll(async () => {
    fake = await FakeVendor.start();
    fake.handler = (request, res) => {
      const key = request.path === '/apiusb' ? (request.query.get('s') ?? '') : request.path;
      const answer = answers[key] ?? defaults[key];
      if (!answer) return sendJson(res, 404, {});
      sendJson(res, 200, answer(request));
    };
    t = await startTestService({
      env: {
        ...ENV,
        FEYIN_BASE_URL: `${fake.url}/feyin`,
        PICKUP_BASE_URL: `${fake.url}/pickup`,
        APIUSB_BASE_URL: `${fake.url}/apiusb`,
        LIFEPAY_BASE_URL: `${fake.url}/lifepay`,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  /** `t.gql` that keeps every answer for the secret check at the end. */
  const gql: TestService['gql'] = async (document, variables, headers) => {
    const answer = await t.gql(document, variables, headers);
    emitted.push(JSON.stringify(answer));
    return answer;
  };

  describe('item 8: a missing result code is not success', () => {
    interface Row {
      name: string;
      vendor: Vendor;
      path: string;
      body: unknown;
      ok: boolean;
    }
    const rows: Row[] = [
      ...(['""', 'null', 'absent', '"ok"'] as const).map((variant) => ({
        name: `Feyin msg cancel, errcode ${variant}`,
        vendor: 'FEYIN' as const,
        path: FEYIN_CANCEL,
        body: { ...(variant === 'absent' ? {} : { errcode: JSON.parse(variant) as unknown }), errmsg: 'ok' },
        ok: false,
      })),
      { name: 'Feyin msg cancel, errcode "0"', vendor: 'FEYIN', path: FEYIN_CANCEL, body: { errcode: '0', errmsg: 'ok' }, ok: true },
      ...(['""', 'null', 'absent', '"x"', '1.5'] as const).map((variant) => ({
        name: `pickup, code ${variant}`,
        vendor: 'PICKUP' as const,
        path: PICKUP_CODES,
        body: { ...(variant === 'absent' ? {} : { code: JSON.parse(variant) as unknown }), message: 'ok', data: null },
        ok: false,
      })),
      { name: 'pickup, code "0"', vendor: 'PICKUP', path: PICKUP_CODES, body: { code: '0', message: 'ok', data: null }, ok: true },
      ...(['""', 'null', 'absent', '"accepted"', 'false'] as const).map((variant) => ({
        name: `LifePay, code ${variant}`,
        vendor: 'LIFEPAY' as const,
        path: LIFEPAY_X_REPORT,
        body: { ...(variant === 'absent' ? {} : { code: JSON.parse(variant) as unknown }), message: '', data: { uuid: UUID } },
        ok: false,
      })),
      { name: 'LifePay, code "0"', vendor: 'LIFEPAY', path: LIFEPAY_X_REPORT, body: { code: '0', message: '', data: [] }, ok: true },
    ];

    it.each(rows)('$name → $ok', async (row) => {
      answers[row.path] = () => row.body;
      n += 1;
      try {
        if (row.vendor === 'LIFEPAY') {
          const answer = await gql(PrintXReportDocument, { input: { extId: `answers-${n}` } });
          expect(answer.errors).toBeUndefined();
          expect(answer.data?.printXReport.document.status).toBe(row.ok ? 'ACCEPTED' : 'RETRY_SCHEDULED');
          if (!row.ok) expect(answer.data?.printXReport.document.lastError).toContain('no readable result code');
          return;
        }
        const answer =
          row.vendor === 'FEYIN'
            ? await gql(CancelPrintMessageDocument, { msgNo: 'M1' })
            : await gql(CancelPickupCodesDocument, { machineNo: '12345678' });
        if (row.ok) expect(answer.errors).toBeUndefined();
        else expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: row.vendor, retryable: true });
      } finally {
        delete answers[row.path];
      }
    });

    it.each([
      [{ msg_no: 'M1', status: 'printed', msg_time: '', print_time: '' }, 'printed'],
      [{ errcode: 0, msg_no: 'M1', status: 'queued' }, 'queued'],
      [{ msg_no: 'M1' }, 'VENDOR_UNAVAILABLE'],
      [{ errcode: '', msg_no: 'M1', status: 'printed' }, 'VENDOR_UNAVAILABLE'],
      [{ errcode: null, status: 'printed' }, 'VENDOR_UNAVAILABLE'],
      [{}, 'VENDOR_UNAVAILABLE'],
    ])('Feyin message status (documented without errcode) %j → %s', async (body, expected) => {
      answers['/feyin/msg/M1/status'] = () => body;
      try {
        const answer = await gql(PrintMessageStatusDocument, { msgNo: 'M1' });
        if (expected !== 'VENDOR_UNAVAILABLE') expect(answer.data?.printMessage?.status).toBe(expected);
        else expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'FEYIN' });
      } finally {
        delete answers['/feyin/msg/M1/status'];
      }
    });
  });

  describe('item 11: vendor text that echoes our credentials', () => {
    it('APIUSB quoting the access token and app secret it received', async () => {
      answers['App.Logistics.CCancelOrder'] = (request) => {
        const form = new URLSearchParams(request.body);
        const message = `token ${form.get('access_token')} (app ${ENV.APIUSB_APP_SECRET}) may not cancel ${form.get('orderId')}`;
        return { ret: 200, data: { code: 403, message }, msg: '' };
      };
      try {
        const answer = await gql(CancelOrderDocument, { orderId: 'A1', taskId: 'T1', reason: 'r' });
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendor: 'APIUSB', vendorCode: 403 });
        expect(answer.errors?.[0]?.message).toBe('APIUSB refused: token [redacted] (app [redacted]) may not cancel A1');
      } finally {
        delete answers['App.Logistics.CCancelOrder'];
      }
    });

    it('LifePay per-field messages: only caller inputs pass, without the API key or callback URL', async () => {
      answers['/lifepay/cloud-print/create-x-report'] = (request) => {
        const sent = JSON.parse(request.body) as Record<string, string>;
        return {
          code: 400,
          message: 'data error',
          data: {
            target_serial: [`Принтер не найден для ключа ${sent.apikey}`],
            apikey: [`Ключ ${sent.apikey} неверен`],
            callback_url: [`Недоступен ${sent.callback_url}`],
            merchant_secret: ['internal'],
          },
        };
      };
      try {
        const answer = await gql(PrintXReportDocument, { input: { extId: 'echo-1', targetSerial: 'SERIAL-1' } });
        expect(answer.errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          vendor: 'LIFEPAY',
          vendorCode: 400,
          fields: { targetSerial: ['Принтер не найден для ключа [redacted]'] },
        });
        expect(Object.keys(answer.errors?.[0]?.extensions?.fields as object)).toEqual(['targetSerial']);
        expect(answer.errors?.[0]?.message).toBe('LifePay rejected the request data: targetSerial');
      } finally {
        delete answers['/lifepay/cloud-print/create-x-report'];
      }
    });

    it('no secret, vendor token or callback URL anywhere in the answers or logs', () => {
      const sentCallbackUrls = fake.requests
        .filter((r) => r.path.startsWith('/lifepay'))
        .map((r) => (JSON.parse(r.body) as { callback_url?: string }).callback_url)
        .filter((url): url is string => Boolean(url));
      expect(sentCallbackUrls.length).toBeGreaterThan(0);
      const forbidden = [...t.secrets, FEYIN_TOKEN, APIUSB_TOKEN, ...sentCallbackUrls];
      const output = [t.logs.text, ...emitted].join('\n');
      for (const secret of forbidden) expect(output, `a secret of length ${secret.length} leaked`).not.toContain(secret);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIFEPAY_SANDBOX_CREDENTIALS as A,
  LIFEPAY_SANDBOX_SECOND_CREDENTIALS as B,
  LIFEPAY_SECOND_SEED,
  LIFEPAY_SEED,
  LifepaySimulator,
  startSandbox,
  type RunningSandbox,
} from '../../src/sandbox/index.js';
import type { LifepayCredentials } from '../../src/sandbox/lifepay-simulator.js';
import { eventually } from '../helpers/eventually.js';
import { FakeVendor } from '../helpers/fake-vendor.js';

interface Answer {
  code: number;
  message: string;
  data: { uuid?: string } & Record<string, unknown>;
}

/** LifePay's create-x-report on the running simulator, as a company's client calls it. */
function lifepayClient(running: RunningSandbox) {
  const url = `${running.sandbox.baseUrl(running.simulators.lifepay)}/cloud-print/create-x-report`;
  return async (c: LifepayCredentials, fields: Record<string, unknown> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apikey: c.apiKey, login: c.login, ...fields }),
    });
    return { status: response.status, answer: response.status === 200 ? ((await response.json()) as Answer) : undefined };
  };
}

describe('the LifePay simulator knows two companies, each alone with its users, registers and documents', () => {
  let running: RunningSandbox;
  let receiver: FakeVendor;
  let xReport: ReturnType<typeof lifepayClient>;
  beforeAll(async () => {
    receiver = await FakeVendor.start();
    running = await startSandbox({ simulators: { lifepay: new LifepaySimulator({ callbackDelayMs: 10 }) } });
    xReport = lifepayClient(running);
  });
  afterAll(async () => {
    await running.sandbox.close();
    await receiver.close();
  });

  it('the second company has credentials, registers and logins of its own', () => {
    expect(B.apiKey).not.toBe(A.apiKey);
    expect(B.login).not.toBe(A.login);
    expect(B.login).toMatch(/^7\d{10}$/);
    const first = [A.login, ...Object.values(LIFEPAY_SEED)];
    expect(Object.values(LIFEPAY_SECOND_SEED).filter((id) => first.includes(id))).toEqual([]);
  });

  it('the second company’s document is its own, on its own register', async () => {
    const { answer } = await xReport(B, { ext_id: 'b-1' });
    expect(answer).toMatchObject({ code: 0, data: { uuid: expect.any(String) } });
    const document = running.simulators.lifepay.account(B.apiKey).documents.get(answer!.data.uuid!);
    expect(document).toMatchObject({ login: B.login, extId: 'b-1', targetSerial: LIFEPAY_SECOND_SEED.register });
    expect(running.simulators.lifepay.documents.has(answer!.data.uuid!)).toBe(false);
    expect(running.simulators.lifepay.documentsWithExtId('b-1')).toEqual([]);
    expect(running.simulators.lifepay.documentsWithExtId('b-1', B.apiKey)).toEqual([document]);
  });

  it('an ext_id is idempotent within one apikey only', async () => {
    const a = (await xReport(A, { ext_id: 'shared-1' })).answer!.data.uuid;
    const b = (await xReport(B, { ext_id: 'shared-1' })).answer!.data.uuid;
    expect(a).not.toBe(b);
    expect((await xReport(B, { ext_id: 'shared-1' })).answer!.data.uuid).toBe(b);
    expect((await xReport(A, { ext_id: 'shared-1' })).answer!.data.uuid).toBe(a);
    expect(running.simulators.lifepay.documentsWithExtId('shared-1')).toHaveLength(1);
    expect(running.simulators.lifepay.documentsWithExtId('shared-1', B.apiKey)).toHaveLength(1);
  });

  it('a company naming the other’s register gets “printer not found”', async () => {
    const { answer } = await xReport(A, { ext_id: 'a-theirs', target_serial: LIFEPAY_SECOND_SEED.register });
    expect(answer).toEqual({ code: 400, message: 'Ошибка данных.', data: { target_serial: ['Принтер не найден.'] } });
    expect((await xReport(B, { target_serial: LIFEPAY_SEED.register })).answer).toMatchObject({ code: 400 });
    expect(running.simulators.lifepay.documentsWithExtId('a-theirs', B.apiKey)).toEqual([]);
  });

  it('one company’s apikey with the other’s login, or an unknown login, is refused as before', async () => {
    expect((await xReport({ apiKey: A.apiKey, login: B.login })).answer).toMatchObject({ code: 6010 });
    expect((await xReport({ apiKey: B.apiKey, login: A.login })).answer).toMatchObject({ code: 6010 });
    expect((await xReport({ apiKey: B.apiKey, login: '79990009999' })).answer).toMatchObject({ code: 6009 });
    expect((await xReport({ apiKey: B.apiKey, login: LIFEPAY_SECOND_SEED.noAccessLogin })).answer).toMatchObject({ code: 6095 });
    expect((await xReport({ apiKey: B.apiKey, login: LIFEPAY_SECOND_SEED.fiscalisationOffLogin })).answer).toMatchObject({ code: 6080 });
    expect((await xReport({ apiKey: A.apiKey, login: LIFEPAY_SECOND_SEED.noAccessLogin })).answer).toMatchObject({ code: 6010 });
  });

  it('the second company’s flaky register fails its own ext_ids twice, whatever the first company sent', async () => {
    const fields = { ext_id: 'flaky-1', target_serial: LIFEPAY_SECOND_SEED.flakyRegister };
    expect((await xReport(A, { ext_id: 'flaky-1' })).status).toBe(200);
    expect((await xReport(B, fields)).status).toBe(503);
    expect((await xReport(B, fields)).status).toBe(503);
    expect((await xReport(B, fields)).answer).toMatchObject({ code: 0 });
  });

  it('calls back the second company’s document at its callback_url, recorded as that company’s', async () => {
    const before = running.simulators.lifepay.callbacksSent.length;
    const { answer } = await xReport(B, { ext_id: 'b-callback', callback_url: `${receiver.url}/shop-2/b-callback` });
    await eventually(() => running.simulators.lifepay.account(B.apiKey).callbacksSent.length === 1, { what: 'the callback' });
    expect(receiver.requests.map((r) => [r.path, (JSON.parse(r.body) as { uuid: string }).uuid])).toEqual([
      ['/shop-2/b-callback', answer!.data.uuid],
    ]);
    expect(running.simulators.lifepay.callbacksSent).toHaveLength(before);
  });

  it('counts calls per company: its apikey with one of its logins', async () => {
    const simulator = running.simulators.lifepay;
    const before = { a: simulator.callsBy(A.apiKey), b: simulator.callsBy(B.apiKey) };
    await xReport(B, { test: 1 });
    await xReport(B, { test: 1, target_serial: LIFEPAY_SEED.register });
    await xReport({ apiKey: A.apiKey, login: B.login }, { test: 1 });
    await xReport(A, { test: 1 });
    expect(simulator.callsBy(B.apiKey)).toBe(before.b + 2);
    expect(simulator.callsBy(A.apiKey)).toBe(before.a + 1);
    expect(simulator.account(B.apiKey).registers.has(LIFEPAY_SECOND_SEED.register)).toBe(true);
    expect(simulator.registers.has(LIFEPAY_SECOND_SEED.register)).toBe(false);
  });
});

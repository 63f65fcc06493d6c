import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { CallerAuth } from '../../src/auth/caller-auth.js';
import { ServiceError } from '../../src/errors/errors.js';
import { DEFAULT_MERCHANT, merchantOf } from '../../src/merchants/merchant.js';
import { Merchants } from '../../src/merchants/merchants.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';
import { mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const account = (n: number) => ({ feyin: { memberCode: `m${n}`, apiKey: `feyin-secret-${n}` }, lifepay: { apiKey: `lp-secret-${n}` } });
const fileOf = (count: number, from = 0) =>
  JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`shop-${from + i}`, account(from + i)])));

describe('Merchants (the configured set, reloaded whole)', () => {
  const opened: Merchants[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const merchants of opened.splice(0)) merchants.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const start = (text: string, env: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'merchants-'));
    dirs.push(dir);
    const file = join(dir, 'merchants.json');
    writeFileSync(file, text);
    const config = loadConfig({ ...env, MERCHANTS_FILE: file, FEYIN_MEMBER_CODE: 'dm', FEYIN_API_KEY: 'default-key' });
    const logs = new LogCapture();
    const merchants = new Merchants({
      defaultMerchant: merchantOf(DEFAULT_MERCHANT, config),
      source: config.merchants,
      logger: logs.logger,
      settleMs: 20,
    });
    opened.push(merchants);
    return { merchants, file, logs, dir };
  };

  it('acts for the claim, `default` without one, and refuses an unknown merchant with FORBIDDEN', () => {
    const { merchants } = start(fileOf(2));
    expect(merchants.forCaller(null).id).toBe('default');
    expect(merchants.forCaller({}).id).toBe('default');
    expect(merchants.forCaller({ merchant: 'shop-1' }).feyin.apiKey).toBe('feyin-secret-1');
    for (const merchant of ['shop-9', '', 'DEFAULT', '__proto__', 'constructor']) {
      let refusal: unknown;
      try {
        merchants.forCaller({ merchant });
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(ServiceError);
      expect((refusal as ServiceError).code).toBe('FORBIDDEN');
      expect((refusal as ServiceError).message).not.toContain(merchant || '\u0000');
    }
    expect(merchants.summary()).toEqual({ merchants: 3, accounts: { FEYIN: 3, PICKUP: 0, APIUSB: 0, LIFEPAY: 2 } });
  });

  it('reload swaps the whole set: a removed merchant is FORBIDDEN from then on, a request keeps the object it started with', async () => {
    const { merchants, file, logs } = start(fileOf(2));
    const held = merchants.forCaller({ merchant: 'shop-1' });
    writeFileSync(file, JSON.stringify({ 'shop-1': { feyin: { memberCode: 'm1', apiKey: 'rotated-key' } }, 'shop-7': account(7) }));
    expect(await merchants.reload()).toBe(true);
    expect(() => merchants.forCaller({ merchant: 'shop-0' })).toThrow(ServiceError);
    expect(merchants.forCaller({ merchant: 'shop-7' }).id).toBe('shop-7');
    expect(merchants.forCaller({ merchant: 'shop-1' }).feyin.apiKey).toBe('rotated-key');
    // A request in flight finishes with the account it started with.
    expect(held.feyin.apiKey).toBe('feyin-secret-1');
    expect(merchants.forCaller(null).id).toBe('default');
    expect(logs.text).toContain('MERCHANTS_FILE reloaded (3 merchants)');
    expect(logs.text).not.toContain('rotated-key');
  });

  it('a bad file keeps the previous set and logs one line naming its problems, never a value', async () => {
    const { merchants, file, logs } = start(fileOf(2));
    writeFileSync(
      file,
      JSON.stringify({
        'shop-0': { feyin: { memberCode: 'm0', apiKey: '${GONE_VARIABLE}' } },
        'shop-1': { feyn: { apiKey: 'typo-secret' } },
      }),
    );
    expect(await merchants.reload()).toBe(false);
    expect(merchants.forCaller({ merchant: 'shop-1' }).feyin.apiKey).toBe('feyin-secret-1');
    const warnings = logs.records().filter((record) => record.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(
      /not reloaded, the previous 3 merchants stay: .*variable GONE_VARIABLE is not set.*unknown vendor "feyn"/,
    );
    expect(logs.text).not.toContain('typo-secret');
    writeFileSync(file, '{ not json');
    expect(await merchants.reload()).toBe(false);
    expect(merchants.size).toBe(3);
  });

  it('reloads by itself when the file changes, also when an editor replaces it by renaming', async () => {
    const { merchants, file, dir } = start(fileOf(1));
    merchants.watchFile();
    writeFileSync(file, fileOf(3));
    await eventually(() => merchants.size === 4, { what: 'the reload after a write' });
    const next = join(dir, 'merchants.json.tmp');
    writeFileSync(next, fileOf(1, 50));
    renameSync(next, file);
    await eventually(() => merchants.get('shop-50') !== undefined && merchants.size === 2, { what: 'the reload after a rename' });
  });

  it('1,000 merchants load and reload whole (their time and memory are bench figures)', async () => {
    const { merchants, file } = start(fileOf(1000));
    expect(merchants.size).toBe(1001);
    writeFileSync(file, fileOf(1000, 1));
    expect(await merchants.reload()).toBe(true);
    expect(merchants.get('shop-0')).toBeUndefined();
    expect(merchants.get('shop-1000')?.lifepay.apiKey).toBe('lp-secret-1000');
  });

  it('reads the merchant from the claim AUTH_MERCHANT_CLAIM names, and only from a verified token', async () => {
    const { merchants } = start(fileOf(2));
    const config = loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET, AUTH_MERCHANT_CLAIM: 'https://example.com/merchant' });
    const auth = new CallerAuth(config.auth);
    const header = (token: string) => (name: string) => (name === 'authorization' ? `Bearer ${token}` : undefined);
    const named = await auth.authenticate(header(await mintToken({ merchant: 'shop-1', merchantClaim: 'https://example.com/merchant' })));
    expect(merchants.forCaller(named).id).toBe('shop-1');
    // The default claim name means nothing under another AUTH_MERCHANT_CLAIM: that token acts for `default`.
    expect(merchants.forCaller(await auth.authenticate(header(await mintToken({ merchant: 'shop-1' })))).id).toBe('default');
    const numeric = await auth.authenticate(header(await mintToken({ merchant: 1, merchantClaim: 'https://example.com/merchant' })));
    expect(() => merchants.forCaller(numeric)).toThrow(ServiceError);
  });

  it("a file merchant with a built-in merchant's id (the sandbox's shop-2) is ignored, with a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), 'merchants-'));
    dirs.push(dir);
    const file = join(dir, 'merchants.json');
    writeFileSync(file, JSON.stringify({ 'shop-2': account(2), 'shop-3': account(3) }));
    const config = loadConfig({ MERCHANTS_FILE: file });
    const logs = new LogCapture();
    const builtIn = {
      ...merchantOf('shop-2', config),
      feyin: { baseUrl: 'http://sandbox', memberCode: 'sandbox-2', apiKey: 'sandbox-key' },
    };
    const merchants = new Merchants({
      defaultMerchant: merchantOf(DEFAULT_MERCHANT, config),
      builtIn: [builtIn],
      source: config.merchants,
      logger: logs.logger,
    });
    opened.push(merchants);
    expect(merchants.get('shop-2')?.feyin.memberCode).toBe('sandbox-2');
    expect(merchants.get('shop-3')?.feyin.memberCode).toBe('m3');
    expect(
      logs
        .records()
        .filter((record) => record.level === 40)
        .map((record) => record.merchants),
    ).toEqual([['shop-2']]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { configuredVendors, missingSettings } from '../../src/merchants/accounts.js';
import { parseMerchantsFile } from '../../src/merchants/merchants-file.js';

const DEFAULTS = {
  feyinBaseUrl: 'https://feyin.example',
  apiusbBaseUrl: 'https://apiusb.example',
  lifepayBaseUrl: 'https://lifepay.example',
};
const SECRETS = { SHOP17_FEYIN_KEY: 'feyin-secret-17', SHOP17_PICKUP_SECRET: 'pickup-secret-17', SHOP17_PICKUP_SIGN: 'sign-17' };
const variables = (name: string) => (SECRETS as Record<string, string>)[name];

/** The file of DESIGN.md's example, with its `${NAME}` values. */
const EXAMPLE = {
  'shop-17': {
    feyin: { memberCode: 'm17', apiKey: '${SHOP17_FEYIN_KEY}', appId: 'app17' },
    pickup: { baseUrl: 'https://pickup.example/', appId: 'p17', appSecret: '${SHOP17_PICKUP_SECRET}', signKey: '${SHOP17_PICKUP_SIGN}' },
    apiusb: { accessToken: 'token-17' },
    lifepay: { apiKey: 'lp-17', login: '79990000017' },
  },
  'cafe.2': { feyin: { memberCode: 'm2', apiKey: 'k2' } },
};

describe('MERCHANTS_FILE', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const writeFile = (content: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'merchants-'));
    dirs.push(dir);
    const file = join(dir, 'merchants.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('reads every vendor account, ${NAME} from the environment, defaults for omitted base URLs', () => {
    const { merchants, problems } = parseMerchantsFile(JSON.stringify(EXAMPLE), variables, DEFAULTS);
    expect(problems).toEqual([]);
    const [shop, cafe] = merchants;
    expect(shop).toEqual({
      id: 'shop-17',
      feyin: {
        memberCode: 'm17',
        apiKey: 'feyin-secret-17',
        appId: 'app17',
        baseUrl: 'https://feyin.example',
        callbackKey: 'feyin-secret-17',
      },
      pickup: { baseUrl: 'https://pickup.example', appId: 'p17', appSecret: 'pickup-secret-17', signKey: 'sign-17' },
      apiusb: { accessToken: 'token-17', baseUrl: 'https://apiusb.example', baseUrlSet: false },
      lifepay: { apiKey: 'lp-17', login: '79990000017', baseUrl: 'https://lifepay.example' },
    });
    expect(configuredVendors(shop!)).toEqual({ FEYIN: true, PICKUP: true, APIUSB: true, LIFEPAY: true });
    // A vendor the merchant has no account with: VENDOR_NOT_CONFIGURED naming it, never another's account.
    expect(configuredVendors(cafe!)).toEqual({ FEYIN: true, PICKUP: false, APIUSB: false, LIFEPAY: false });
    expect(missingSettings.LIFEPAY(cafe!.lifepay)).toEqual(['an account with lifepay for merchant "cafe.2" (MERCHANTS_FILE)']);
    expect(cafe!.lifepay.apiKey).toBeUndefined();
  });

  it('names every problem at once (vendor, field, variable, id), never a value', () => {
    const bad = {
      'shop-17': {
        feyn: { memberCode: 'x' },
        feyin: { memberCode: 'm', apiKey: '${NOT_SET_ANYWHERE}', colour: 'blue' },
        pickup: { appId: 'p', appSecret: 'hunter2-secret', signKey: 's' },
        apiusb: { appKey: 'only-key' },
        lifepay: { apiKey: 'lp-secret-value', login: '12345' },
      },
      'bad id!': { feyin: { memberCode: 'm', apiKey: 'k' } },
      default: { feyin: { memberCode: 'm', apiKey: 'k' } },
      ok: { lifepay: { apiKey: 7 } },
    };
    const { problems } = parseMerchantsFile(JSON.stringify(bad), variables, DEFAULTS);
    const text = problems.join('\n');
    expect(text).toContain('unknown vendor "feyn"');
    expect(text).toContain('feyin: unknown field "colour"');
    expect(text).toContain('feyin.apiKey: variable NOT_SET_ANYWHERE is not set');
    expect(text).toContain('pickup: missing field "baseUrl"');
    expect(text).toContain('apiusb needs accessToken, or appKey and appSecret');
    expect(text).toContain('lifepay.login must be 11 digits');
    expect(text).toContain('merchant "bad id!": ids are 1 to 64');
    expect(text).toContain('merchant "default"');
    expect(text).toContain('lifepay.apiKey: must be a string');
    for (const secret of ['hunter2-secret', 'lp-secret-value', 'only-key']) expect(text).not.toContain(secret);
  });

  it('refuses a file that is not JSON without quoting it', () => {
    const { problems } = parseMerchantsFile('{ "shop": { "feyin": { "apiKey": "s3cret-value" ', variables, DEFAULTS);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^is not valid JSON/);
    expect(problems[0]).not.toContain('s3cret');
  });

  it("is read by loadConfig: its problems join the other variables' in one message", () => {
    const file = writeFile({ 'shop-17': { feyin: { memberCode: 'm', apiKey: '${MISSING_KEY}' } } });
    let error: unknown;
    try {
      loadConfig({ MERCHANTS_FILE: file, PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `MERCHANTS_FILE ${file}: merchant "shop-17": feyin.apiKey: variable MISSING_KEY is not set`,
      'PORT must be a whole number from 0 to 65535 (got "eighty")',
    ]);
    expect(() => loadConfig({ MERCHANTS_FILE: join(tmpdir(), 'no-such-merchants.json') })).toThrow(/MERCHANTS_FILE .*cannot be read/);
    const config = loadConfig({ ...SECRETS, MERCHANTS_FILE: writeFile(EXAMPLE), FEYIN_BASE_URL: 'https://own-feyin.example' });
    expect(config.merchants.list.map((merchant) => merchant.id)).toEqual(['shop-17', 'cafe.2']);
    // Omitted base URLs follow the variables' (FEYIN_BASE_URL here).
    expect(config.merchants.list[1]!.feyin.baseUrl).toBe('https://own-feyin.example');
  });

  it('reads AUTH_MERCHANT_CLAIM and MERCHANT_VENDOR_CONCURRENCY', () => {
    expect(loadConfig({}).auth.merchantClaim).toBe('merchant');
    expect(loadConfig({}).merchantVendorConcurrency).toBe(16);
    expect(loadConfig({ AUTH_MERCHANT_CLAIM: 'https://example.com/merchant' }).auth.merchantClaim).toBe('https://example.com/merchant');
    expect(loadConfig({ MERCHANT_VENDOR_CONCURRENCY: '4' }).merchantVendorConcurrency).toBe(4);
    expect(() => loadConfig({ AUTH_MERCHANT_CLAIM: 'sub' })).toThrow(/AUTH_MERCHANT_CLAIM/);
    expect(() => loadConfig({ MERCHANT_VENDOR_CONCURRENCY: '0' })).toThrow(/MERCHANT_VENDOR_CONCURRENCY/);
  });
});

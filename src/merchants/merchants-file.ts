import { readFileSync } from 'node:fs';
import { systemReason } from '../errors/errors.js';
import type { ApiusbConfig, FeyinConfig, LifepayAccount, PickupConfig } from './accounts.js';
import { DEFAULT_MERCHANT, MERCHANT_ID, VENDOR_KEYS, type Merchant, type VendorKey } from './merchant.js';

/** Where an account's omitted `baseUrl` points: the same defaults as the variables'. */
export interface AccountDefaults {
  feyinBaseUrl: string;
  apiusbBaseUrl: string;
  lifepayBaseUrl: string;
}

type Fields = Record<string, string | undefined>;

/** Each vendor's fields in the file: which are required, and how they become that vendor's account. */
const ACCOUNT_FIELDS: Record<VendorKey, { required: string[]; optional: string[] }> = {
  feyin: { required: ['memberCode', 'apiKey'], optional: ['appId', 'baseUrl', 'callbackKey'] },
  pickup: { required: ['baseUrl', 'appId', 'appSecret', 'signKey'], optional: [] },
  apiusb: { required: [], optional: ['accessToken', 'appKey', 'appSecret', 'baseUrl'] },
  lifepay: { required: ['apiKey'], optional: ['login', 'baseUrl'] },
};

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * MERCHANTS_FILE's text → the merchants it defines, or every problem in it: unknown vendor or
 * field, missing field, `${NAME}` without a variable, bad id or URL. A problem names the merchant,
 * the field and the variable, never a value (values are secrets).
 */
export function parseMerchantsFile(
  text: string,
  variables: (name: string) => string | undefined,
  defaults: AccountDefaults,
): { merchants: Merchant[]; problems: string[] } {
  const problems: string[] = [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // JSON.parse's message quotes the text around the fault, which may be a secret: position only.
    const at = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    return { merchants: [], problems: [`is not valid JSON${at ? ` (at character ${at})` : ''}`] };
  }
  if (!isObject(json)) return { merchants: [], problems: ['must be a JSON object of merchant id → accounts'] };
  const merchants: Merchant[] = [];
  for (const [id, accounts] of Object.entries(json)) {
    const where = `merchant "${MERCHANT_ID.test(id) ? id : id.slice(0, 64).replace(/[^\x20-\x7e]/g, '?')}"`;
    if (!MERCHANT_ID.test(id)) {
      problems.push(`${where}: ids are 1 to 64 of A-Z a-z 0-9 _ . -`);
      continue;
    }
    if (id === DEFAULT_MERCHANT) {
      problems.push(
        `${where}: "default" is the merchant of the FEYIN_*, PICKUP_*, APIUSB_*, LIFEPAY_* variables; give this one another id`,
      );
      continue;
    }
    if (!isObject(accounts)) {
      problems.push(`${where}: must be an object of vendor → account`);
      continue;
    }
    const fields: Partial<Record<VendorKey, Fields>> = {};
    for (const [vendor, account] of Object.entries(accounts)) {
      if (!(VENDOR_KEYS as readonly string[]).includes(vendor)) {
        problems.push(`${where}: unknown vendor "${printable(vendor)}" (known: ${VENDOR_KEYS.join(', ')})`);
        continue;
      }
      const read = readAccount(account, ACCOUNT_FIELDS[vendor as VendorKey], variables, `${where}: ${vendor}`, problems);
      if (read) fields[vendor as VendorKey] = read;
    }
    merchants.push(toMerchant(id, fields, defaults, `${where}`, problems));
  }
  return { merchants, problems };
}

/** One vendor account's fields, `${NAME}` replaced; undefined (with problems) when it is unusable. */
function readAccount(
  account: unknown,
  spec: { required: string[]; optional: string[] },
  variables: (name: string) => string | undefined,
  where: string,
  problems: string[],
): Fields | undefined {
  if (!isObject(account)) {
    problems.push(`${where}: must be an object`);
    return undefined;
  }
  const before = problems.length;
  const fields: Fields = {};
  for (const [name, raw] of Object.entries(account)) {
    if (!spec.required.includes(name) && !spec.optional.includes(name)) {
      problems.push(`${where}: unknown field "${printable(name)}" (known: ${[...spec.required, ...spec.optional].join(', ')})`);
      continue;
    }
    if (typeof raw !== 'string') {
      problems.push(`${where}.${name}: must be a string`);
      continue;
    }
    const value = raw.replace(VARIABLE, (_match, variable: string) => {
      const found = variables(variable);
      if (found === undefined || found === '') problems.push(`${where}.${name}: variable ${variable} is not set`);
      return found ?? '';
    });
    if (value.trim() !== '') fields[name] = value.trim();
    else if (problems.length === before) problems.push(`${where}.${name}: is empty`);
  }
  for (const name of spec.required) if (!(name in account)) problems.push(`${where}: missing field "${name}"`);
  return problems.length === before ? fields : undefined;
}

/** The accounts as each client reads them; vendors without an account become placeholders. */
function toMerchant(
  id: string,
  fields: Partial<Record<VendorKey, Fields>>,
  defaults: AccountDefaults,
  where: string,
  problems: string[],
): Merchant {
  const url = (vendor: VendorKey, value: string | undefined, fallback: string): string => {
    if (value === undefined) return fallback;
    if (isHttpUrl(value)) return value.replace(/\/+$/, '');
    problems.push(`${where}: ${vendor}.baseUrl must be an http or https URL without credentials or query string`);
    return fallback;
  };
  const missing = (vendor: VendorKey) => [`an account with ${vendor} for merchant "${id}" (MERCHANTS_FILE)`];
  const { feyin, pickup, apiusb, lifepay } = fields;
  if (apiusb && !apiusb.accessToken && !(apiusb.appKey && apiusb.appSecret)) {
    problems.push(`${where}: apiusb needs accessToken, or appKey and appSecret`);
  }
  if (apiusb && (apiusb.appKey === undefined) !== (apiusb.appSecret === undefined)) {
    problems.push(`${where}: apiusb.appKey and apiusb.appSecret go together`);
  }
  if (lifepay?.login !== undefined && !/^7\d{10}$/.test(lifepay.login))
    problems.push(`${where}: lifepay.login must be 11 digits starting with 7`);
  const feyinAccount: FeyinConfig = feyin
    ? { ...feyin, baseUrl: url('feyin', feyin.baseUrl, defaults.feyinBaseUrl), callbackKey: feyin.callbackKey ?? feyin.apiKey }
    : { baseUrl: defaults.feyinBaseUrl, missing: missing('feyin') };
  const pickupAccount: PickupConfig = pickup ? { ...pickup, baseUrl: url('pickup', pickup.baseUrl, '') } : { missing: missing('pickup') };
  const apiusbAccount: ApiusbConfig = apiusb
    ? { ...apiusb, baseUrl: url('apiusb', apiusb.baseUrl, defaults.apiusbBaseUrl), baseUrlSet: apiusb.baseUrl !== undefined }
    : { baseUrl: defaults.apiusbBaseUrl, missing: missing('apiusb') };
  const lifepayAccount: LifepayAccount = lifepay
    ? { ...lifepay, baseUrl: url('lifepay', lifepay.baseUrl, defaults.lifepayBaseUrl) }
    : { baseUrl: defaults.lifepayBaseUrl, missing: missing('lifepay') };
  return { id, feyin: feyinAccount, pickup: pickupAccount, apiusb: apiusbAccount, lifepay: lifepayAccount };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return ['http:', 'https:'].includes(url.protocol) && !url.search && !url.username && !url.password;
  } catch {
    return false;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A key as a problem may quote it: it is the file's structure, not a value, but still bounded. */
const printable = (key: string) => key.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');

/** MERCHANTS_FILE as read at start, and what a reload needs to read it again the same way. */
export interface MerchantsSource {
  /** The file's path; none = `default` only. */
  file?: string;
  list: Merchant[];
  /** Reads a `${NAME}` of the file: the environment the configuration was loaded from. */
  variable(name: string): string | undefined;
  /** Where an account without `baseUrl` points. */
  defaults: AccountDefaults;
}

/** MERCHANTS_FILE's merchants, or its problems, each prefixed with the variable and the file. */
export function readMerchantsFile(source: Omit<MerchantsSource, 'list'> & { file: string }): {
  merchants: Merchant[];
  problems: string[];
  text?: string;
} {
  let text: string;
  try {
    text = readFileSync(source.file, 'utf8');
  } catch (error) {
    return { merchants: [], problems: [`MERCHANTS_FILE ${source.file}: cannot be read (${systemReason(error)})`] };
  }
  const parsed = parseMerchantsFile(text, source.variable, source.defaults);
  return { merchants: parsed.merchants, problems: parsed.problems.map((problem) => `MERCHANTS_FILE ${source.file}: ${problem}`), text };
}

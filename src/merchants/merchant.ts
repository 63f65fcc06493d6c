import type { MerchantAccounts } from './accounts.js';

/** The merchant of a token without the merchant claim: the accounts set by the FEYIN_*, PICKUP_*, APIUSB_*, LIFEPAY_* variables. */
export const DEFAULT_MERCHANT = 'default';

/** What a merchant id may be (DESIGN.md "Merchants"): safe in a URL path, a log line and a notification payload. */
export const MERCHANT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Whoever owns one set of vendor accounts. Every vendor is present: a vendor the merchant has no
 * account with is a placeholder whose `missing` makes its calls VENDOR_NOT_CONFIGURED, so no
 * code path can fall back to another merchant's account. A reload makes new objects: a request
 * keeps the one it started with.
 */
export interface Merchant extends MerchantAccounts {
  readonly id: string;
}

/** The vendors' keys in MERCHANTS_FILE, as `Merchant` names them. */
export const VENDOR_KEYS = ['feyin', 'pickup', 'apiusb', 'lifepay'] as const;
export type VendorKey = (typeof VENDOR_KEYS)[number];

/** A merchant whose accounts are a configuration's vendor settings (`default`'s variables, or the sandbox's second set). */
export function merchantOf(id: string, config: MerchantAccounts): Merchant {
  const { baseUrl, apiKey, login } = config.lifepay;
  return { id, feyin: config.feyin, pickup: config.pickup, apiusb: config.apiusb, lifepay: { baseUrl, apiKey, login } };
}

import { requireSettings, type Vendor } from '../errors/errors.js';

/*
 * The vendor accounts a merchant holds, one per vendor, and which of their settings are still
 * missing. `default`'s accounts come from the variables (config.ts), the others from MERCHANTS_FILE.
 */

export interface FeyinConfig {
  baseUrl: string;
  memberCode?: string;
  apiKey?: string;
  appId?: string;
  /** The key in Feyin's callback `secret` (FEYIN_CALLBACK_KEY, else FEYIN_API_KEY). */
  callbackKey?: string;
  /** Set when the merchant has no account with this vendor: what VENDOR_NOT_CONFIGURED names. */
  missing?: string[];
}

export interface PickupConfig {
  baseUrl?: string;
  appId?: string;
  appSecret?: string;
  signKey?: string;
  missing?: string[];
}

export interface ApiusbConfig {
  baseUrl: string;
  /** `APIUSB_BASE_URL` was set: an endpoint that may need no token (signature checking off). */
  baseUrlSet?: boolean;
  accessToken?: string;
  appKey?: string;
  appSecret?: string;
  missing?: string[];
}

/** One LifePay account: its key, and the login of an X-report whose caller names none. */
export interface LifepayAccount {
  baseUrl: string;
  apiKey?: string;
  login?: string;
  missing?: string[];
}

/** One account with each vendor: a merchant's, or the variables' (`default`). */
export interface MerchantAccounts {
  readonly feyin: FeyinConfig;
  readonly pickup: PickupConfig;
  readonly apiusb: ApiusbConfig;
  readonly lifepay: LifepayAccount;
}

const unset = (settings: Record<string, unknown>): string[] =>
  Object.entries(settings)
    .filter(([, value]) => !value)
    .map(([name]) => name);

/**
 * The variables each vendor still needs in live mode; an empty list = configured. The one place
 * that decides it: the clients refuse with VENDOR_NOT_CONFIGURED from it, start-up reports it.
 */
export const missingSettings = {
  FEYIN: (feyin: FeyinConfig) => feyin.missing ?? unset({ FEYIN_MEMBER_CODE: feyin.memberCode, FEYIN_API_KEY: feyin.apiKey }),
  PICKUP: (pickup: PickupConfig) =>
    pickup.missing ??
    unset({
      PICKUP_BASE_URL: pickup.baseUrl,
      PICKUP_APP_ID: pickup.appId,
      PICKUP_APP_SECRET: pickup.appSecret,
      PICKUP_SIGN_KEY: pickup.signKey,
    }),
  // APIUSB works without a token when the vendor has signature checking off, but only on an
  // endpoint the operator named: the public default always needs a token.
  APIUSB: (apiusb: ApiusbConfig) =>
    apiusb.missing ??
    (apiusb.accessToken || (apiusb.appKey && apiusb.appSecret) || apiusb.baseUrlSet
      ? []
      : ['APIUSB_ACCESS_TOKEN or APIUSB_APP_KEY + APIUSB_APP_SECRET (or APIUSB_BASE_URL for an endpoint without signing)']),
  LIFEPAY: (lifepay: LifepayAccount) => lifepay.missing ?? unset({ LIFEPAY_API_KEY: lifepay.apiKey }),
} satisfies Record<Vendor, (config: never) => string[]>;

/** Which of a merchant's accounts each vendor's calls use. */
const ACCOUNT_OF = { FEYIN: 'feyin', PICKUP: 'pickup', APIUSB: 'apiusb', LIFEPAY: 'lifepay' } as const satisfies Record<
  Vendor,
  keyof MerchantAccounts
>;

/**
 * Throws VENDOR_NOT_CONFIGURED, naming the merchant (or `default`'s variables) and the vendor, when
 * the merchant has no account with `vendor`: the one check that runs before anything of a vendor
 * operation (input rules, a default login, the call), so no rule can answer for an account that
 * does not exist.
 */
export function requireAccount(merchant: MerchantAccounts, vendor: Vendor): void {
  const missing: (account: never) => string[] = missingSettings[vendor];
  requireSettings(vendor, missing(merchant[ACCOUNT_OF[vendor]] as never));
}

/** Which vendors have the settings live mode needs (of the variables, or of one merchant). */
export function configuredVendors(config: MerchantAccounts): Record<Vendor, boolean> {
  return {
    FEYIN: missingSettings.FEYIN(config.feyin).length === 0,
    PICKUP: missingSettings.PICKUP(config.pickup).length === 0,
    APIUSB: missingSettings.APIUSB(config.apiusb).length === 0,
    LIFEPAY: missingSettings.LIFEPAY(config.lifepay).length === 0,
  };
}

import { APIUSB_SANDBOX_CREDENTIALS, APIUSB_SANDBOX_SECOND_CREDENTIALS, type ApiusbCredentials } from './apiusb-simulator.js';
import { FEYIN_SANDBOX_CREDENTIALS, FEYIN_SANDBOX_SECOND_CREDENTIALS, type FeyinCredentials } from './feyin-simulator.js';
import { LIFEPAY_SANDBOX_CREDENTIALS, LIFEPAY_SANDBOX_SECOND_CREDENTIALS, type LifepayCredentials } from './lifepay-simulator.js';
import { PICKUP_SANDBOX_CREDENTIALS, PICKUP_SANDBOX_SECOND_CREDENTIALS, type PickupCredentials } from './pickup-simulator.js';

/**
 * The merchant id of the sandbox's second set of vendor accounts (`*_SANDBOX_SECOND_CREDENTIALS`,
 * seeded with `*_SECOND_SEED`); the first set is the `default` merchant's.
 */
export const SANDBOX_SECOND_MERCHANT = 'shop-2';

/** The sandbox's merchants: `default` (every simulator's first account) and the second. */
export type SandboxMerchant = 'default' | typeof SANDBOX_SECOND_MERCHANT;

/** One sandbox merchant's account at each simulator. */
export interface SandboxCredentials {
  feyin: FeyinCredentials;
  pickup: PickupCredentials;
  apiusb: ApiusbCredentials;
  lifepay: LifepayCredentials;
}

export const SANDBOX_CREDENTIALS: Record<SandboxMerchant, SandboxCredentials> = {
  default: {
    feyin: FEYIN_SANDBOX_CREDENTIALS,
    pickup: PICKUP_SANDBOX_CREDENTIALS,
    apiusb: APIUSB_SANDBOX_CREDENTIALS,
    lifepay: LIFEPAY_SANDBOX_CREDENTIALS,
  },
  [SANDBOX_SECOND_MERCHANT]: {
    feyin: FEYIN_SANDBOX_SECOND_CREDENTIALS,
    pickup: PICKUP_SANDBOX_SECOND_CREDENTIALS,
    apiusb: APIUSB_SANDBOX_SECOND_CREDENTIALS,
    lifepay: LIFEPAY_SANDBOX_SECOND_CREDENTIALS,
  },
};

import { describe, expect, it } from 'vitest';
import {
  APIUSB_SANDBOX_SECOND_CREDENTIALS,
  ApiusbSimulator,
  FEYIN_SANDBOX_CREDENTIALS,
  FEYIN_SANDBOX_SECOND_CREDENTIALS,
  FEYIN_SECOND_SEED,
  FEYIN_SEED,
  FeyinSimulator,
  LIFEPAY_SANDBOX_SECOND_CREDENTIALS,
  LifepaySimulator,
  PICKUP_SANDBOX_SECOND_CREDENTIALS,
  PickupSimulator,
  SANDBOX_SECOND_MERCHANT,
} from '../../src/sandbox/index.js';

describe('which accounts a simulator starts with', () => {
  it('names the second merchant shop-2', () => {
    expect(SANDBOX_SECOND_MERCHANT).toBe('shop-2');
  });

  it('by default: the sandbox’s two merchants, each seeded with its own ids', () => {
    const feyin = new FeyinSimulator({ printDelayMs: null });
    expect([...feyin.printers.keys()]).toEqual([FEYIN_SEED.onlinePrinter, FEYIN_SEED.offlinePrinter]);
    expect([...feyin.account(FEYIN_SANDBOX_SECOND_CREDENTIALS.memberCode).printers.keys()]).toEqual([
      FEYIN_SECOND_SEED.onlinePrinter,
      FEYIN_SECOND_SEED.offlinePrinter,
    ]);
    expect(() => new PickupSimulator().account(PICKUP_SANDBOX_SECOND_CREDENTIALS.appId)).not.toThrow();
    expect(() => new ApiusbSimulator().account(APIUSB_SANDBOX_SECOND_CREDENTIALS.appKey)).not.toThrow();
    expect(() => new LifepaySimulator().account(LIFEPAY_SANDBOX_SECOND_CREDENTIALS.apiKey)).not.toThrow();
  });

  it('`credentials` replaces the first account and keeps the second; `accounts` replaces both', () => {
    const own = { memberCode: 'own-member', apiKey: 'own-key' };
    const withCredentials = new FeyinSimulator({ credentials: own, printDelayMs: null });
    expect(withCredentials.account('own-member').printers.has(FEYIN_SEED.onlinePrinter)).toBe(true);
    expect(withCredentials.account(FEYIN_SANDBOX_SECOND_CREDENTIALS.memberCode).printers.size).toBe(2);
    expect(() => withCredentials.account(FEYIN_SANDBOX_CREDENTIALS.memberCode)).toThrow(/no simulated account/);

    const third = { memberCode: 'third-member', apiKey: 'third-key' };
    const listed = new FeyinSimulator({ accounts: [own, FEYIN_SANDBOX_SECOND_CREDENTIALS, third], printDelayMs: null });
    expect(listed.account('third-member').printers.size).toBe(0);
    expect(() => listed.account(FEYIN_SANDBOX_CREDENTIALS.memberCode)).toThrow(/no simulated account/);
  });

  it('refuses two accounts with the same name, and none at all', () => {
    expect(() => new FeyinSimulator({ accounts: [FEYIN_SANDBOX_CREDENTIALS, FEYIN_SANDBOX_CREDENTIALS] })).toThrow(
      /two simulated accounts/,
    );
    expect(() => new PickupSimulator({ accounts: [] })).toThrow(/at least one account/);
  });
});

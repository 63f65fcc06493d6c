import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { configuredVendors } from '../src/merchants/accounts.js';
import {
  APIUSB_SANDBOX_CREDENTIALS,
  FEYIN_SANDBOX_CREDENTIALS,
  LIFEPAY_SANDBOX_CREDENTIALS,
  PICKUP_SANDBOX_CREDENTIALS,
  sandboxEnv,
  startSandbox,
  withSandboxVendors,
  type RunningSandbox,
} from '../src/sandbox/index.js';

describe('sandboxEnv and withSandboxVendors', () => {
  let running: RunningSandbox;
  beforeAll(async () => {
    running = await startSandbox();
  });
  afterAll(() => running.sandbox.close());

  it('sandboxEnv configures every vendor for live mode, at the running simulators with the sandbox credentials', () => {
    const config = loadConfig({ VENDOR_MODE: 'live', AUTH_DISABLED: 'true', ...sandboxEnv(running) });
    const { sandbox, simulators } = running;
    expect(configuredVendors(config)).toEqual({ FEYIN: true, PICKUP: true, APIUSB: true, LIFEPAY: true });
    expect(config.feyin).toMatchObject({ baseUrl: sandbox.baseUrl(simulators.feyin), ...FEYIN_SANDBOX_CREDENTIALS });
    expect(config.pickup).toMatchObject({ baseUrl: sandbox.baseUrl(simulators.pickup), ...PICKUP_SANDBOX_CREDENTIALS });
    expect(config.apiusb).toMatchObject({ baseUrl: sandbox.baseUrl(simulators.apiusb), ...APIUSB_SANDBOX_CREDENTIALS });
    expect(config.lifepay).toMatchObject({ baseUrl: sandbox.baseUrl(simulators.lifepay), ...LIFEPAY_SANDBOX_CREDENTIALS });
  });

  it('withSandboxVendors gives the vendors sandboxEnv gives, and keeps the operator’s own settings', () => {
    const operator = loadConfig({
      FEYIN_API_KEY: 'operator-feyin-key',
      APIUSB_ACCESS_TOKEN: 'operator-token',
      LIFEPAY_RETRY_SCHEDULE: '7,8',
      PORT: '4999',
    });
    const fromEnv = loadConfig({ ...sandboxEnv(running), LIFEPAY_RETRY_SCHEDULE: '7,8' });
    const overridden = withSandboxVendors(operator, running);
    expect({ feyin: overridden.feyin, pickup: overridden.pickup, apiusb: overridden.apiusb, lifepay: overridden.lifepay }).toEqual({
      feyin: fromEnv.feyin,
      pickup: fromEnv.pickup,
      apiusb: fromEnv.apiusb,
      lifepay: fromEnv.lifepay,
    });
    expect(overridden.port).toBe(4999);
  });
});

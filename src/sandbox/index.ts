import type { Config } from '../config.js';
import { APIUSB_SANDBOX_CREDENTIALS, ApiusbSimulator } from './apiusb-simulator.js';
import { FEYIN_SANDBOX_CREDENTIALS, FeyinSimulator } from './feyin-simulator.js';
import { LIFEPAY_SANDBOX_CREDENTIALS, LifepaySimulator } from './lifepay-simulator.js';
import { PICKUP_SANDBOX_CREDENTIALS, PickupSimulator } from './pickup-simulator.js';
import { VendorSandbox } from './vendor-sandbox.js';

export { VendorSandbox, type Fault } from './vendor-sandbox.js';
export { FeyinSimulator, FEYIN_SANDBOX_CREDENTIALS, FEYIN_SEED } from './feyin-simulator.js';
export { ApiusbSimulator, APIUSB_SANDBOX_CREDENTIALS, APIUSB_SEED } from './apiusb-simulator.js';
export { PickupSimulator, PICKUP_SANDBOX_CREDENTIALS, PICKUP_SEED } from './pickup-simulator.js';
export { LifepaySimulator, LIFEPAY_SANDBOX_CREDENTIALS, LIFEPAY_SEED } from './lifepay-simulator.js';

export interface Simulators {
  feyin: FeyinSimulator;
  pickup: PickupSimulator;
  apiusb: ApiusbSimulator;
  lifepay: LifepaySimulator;
}

export interface RunningSandbox {
  sandbox: VendorSandbox;
  simulators: Simulators;
}

/** Starts every vendor simulator, with seed data, on one loopback port (0 = any free port). */
export async function startSandbox(options: { port?: number; simulators?: Partial<Simulators> } = {}): Promise<RunningSandbox> {
  const simulators: Simulators = {
    feyin: options.simulators?.feyin ?? new FeyinSimulator(),
    pickup: options.simulators?.pickup ?? new PickupSimulator(),
    apiusb: options.simulators?.apiusb ?? new ApiusbSimulator(),
    lifepay: options.simulators?.lifepay ?? new LifepaySimulator(),
  };
  const sandbox = await new VendorSandbox(Object.values(simulators)).listen(options.port ?? 0);
  return { sandbox, simulators };
}

/** The configuration with every vendor pointed at the running simulators and their credentials. */
export function withSandboxVendors(config: Config, running: RunningSandbox): Config {
  const { sandbox, simulators } = running;
  return {
    ...config,
    feyin: { baseUrl: sandbox.baseUrl(simulators.feyin), ...FEYIN_SANDBOX_CREDENTIALS },
    pickup: { baseUrl: sandbox.baseUrl(simulators.pickup), ...PICKUP_SANDBOX_CREDENTIALS },
    apiusb: { baseUrl: sandbox.baseUrl(simulators.apiusb), ...APIUSB_SANDBOX_CREDENTIALS },
    lifepay: { ...config.lifepay, baseUrl: sandbox.baseUrl(simulators.lifepay), ...LIFEPAY_SANDBOX_CREDENTIALS },
  };
}

import { loadConfig, type Config } from '../config.js';
import { merchantOf, type Merchant } from '../merchants/merchant.js';
import { ApiusbSimulator } from './apiusb-simulator.js';
import { FeyinSimulator, type FeyinSimulatorOptions } from './feyin-simulator.js';
import { LifepaySimulator } from './lifepay-simulator.js';
import { PickupSimulator } from './pickup-simulator.js';
import { VendorSandbox } from './vendor-sandbox.js';
import type { Simulators } from './simulators.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SECOND_MERCHANT, type SandboxCredentials, type SandboxMerchant } from './sandbox-merchants.js';

export { VendorSandbox, type Fault } from './vendor-sandbox.js';
export {
  FeyinSimulator,
  FEYIN_SANDBOX_CREDENTIALS,
  FEYIN_SANDBOX_SECOND_CREDENTIALS,
  FEYIN_SEED,
  FEYIN_SECOND_SEED,
  type FeyinAccount,
  type FeyinSimulatorOptions,
} from './feyin-simulator.js';
export {
  ApiusbSimulator,
  APIUSB_SANDBOX_CREDENTIALS,
  APIUSB_SANDBOX_SECOND_CREDENTIALS,
  APIUSB_SEED,
  APIUSB_SECOND_SEED,
  type ApiusbAccount,
  type ApiusbSimulatorOptions,
} from './apiusb-simulator.js';
export {
  PickupSimulator,
  PICKUP_SANDBOX_CREDENTIALS,
  PICKUP_SANDBOX_SECOND_CREDENTIALS,
  PICKUP_SEED,
  PICKUP_SECOND_SEED,
  type PickupAccount,
  type PickupSimulatorOptions,
} from './pickup-simulator.js';
export {
  LifepaySimulator,
  LIFEPAY_SANDBOX_CREDENTIALS,
  LIFEPAY_SANDBOX_SECOND_CREDENTIALS,
  LIFEPAY_SEED,
  LIFEPAY_SECOND_SEED,
  type LifepayAccount,
  type LifepaySimulatorOptions,
} from './lifepay-simulator.js';
export { SANDBOX_CREDENTIALS, SANDBOX_SECOND_MERCHANT, type SandboxCredentials, type SandboxMerchant } from './sandbox-merchants.js';
export { SandboxFileMerchants } from './file-merchants.js';
export type { Simulators } from './simulators.js';
export type { Learned } from './simulated-accounts.js';

export interface RunningSandbox {
  sandbox: VendorSandbox;
  simulators: Simulators;
}

/** Starts every vendor simulator, with seed data, on one loopback port (0 = any free port). */
export async function startSandbox(
  options: { port?: number; simulators?: Partial<Simulators>; feyin?: FeyinSimulatorOptions } = {},
): Promise<RunningSandbox> {
  const simulators: Simulators = {
    feyin: options.simulators?.feyin ?? new FeyinSimulator(options.feyin),
    pickup: options.simulators?.pickup ?? new PickupSimulator(),
    apiusb: options.simulators?.apiusb ?? new ApiusbSimulator(),
    lifepay: options.simulators?.lifepay ?? new LifepaySimulator(),
  };
  const sandbox = await new VendorSandbox(Object.values(simulators)).listen(options.port ?? 0);
  return { sandbox, simulators };
}

/** Per simulator: the variables `loadConfig` reads for that vendor with a merchant's sandbox values (the URL is the running sandbox's). */
const SANDBOX_VENDOR_ENV: Array<{
  simulator: keyof Simulators;
  baseUrl: string;
  credentials: (c: SandboxCredentials) => Record<string, string | undefined>;
}> = [
  {
    simulator: 'feyin',
    baseUrl: 'FEYIN_BASE_URL',
    credentials: ({ feyin }) => ({ FEYIN_MEMBER_CODE: feyin.memberCode, FEYIN_API_KEY: feyin.apiKey, FEYIN_APP_ID: feyin.appId }),
  },
  {
    simulator: 'pickup',
    baseUrl: 'PICKUP_BASE_URL',
    credentials: ({ pickup }) => ({ PICKUP_APP_ID: pickup.appId, PICKUP_APP_SECRET: pickup.appSecret, PICKUP_SIGN_KEY: pickup.signKey }),
  },
  {
    simulator: 'apiusb',
    baseUrl: 'APIUSB_BASE_URL',
    credentials: ({ apiusb }) => ({ APIUSB_APP_KEY: apiusb.appKey, APIUSB_APP_SECRET: apiusb.appSecret }),
  },
  {
    simulator: 'lifepay',
    baseUrl: 'LIFEPAY_BASE_URL',
    credentials: ({ lifepay }) => ({ LIFEPAY_API_KEY: lifepay.apiKey, LIFEPAY_LOGIN: lifepay.login }),
  },
];

/**
 * The environment variables that point every vendor at the running simulators, with a sandbox
 * merchant's credentials (`default`'s unless named): `loadConfig` reads them into that
 * merchant's vendor settings.
 */
export function sandboxEnv(running: RunningSandbox, options: { merchant?: SandboxMerchant } = {}): Record<string, string> {
  const { sandbox, simulators } = running;
  const accounts = SANDBOX_CREDENTIALS[options.merchant ?? 'default'];
  const entries = SANDBOX_VENDOR_ENV.flatMap(({ simulator, baseUrl, credentials }) => [
    [baseUrl, sandbox.baseUrl(simulators[simulator])],
    ...Object.entries(credentials(accounts)),
  ]);
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * The configuration with every vendor pointed at the running simulators and their credentials:
 * `sandboxEnv` read by `loadConfig`, so a service configured either way talks to the same vendors.
 */
export function withSandboxVendors(config: Config, running: RunningSandbox): Config {
  const { feyin, pickup, apiusb, lifepay } = loadConfig(sandboxEnv(running));
  // LifePay's retry schedule and worker poll are the operator's, not the vendor's.
  const { baseUrl, apiKey, login } = lifepay;
  // The simulated LifePay calls back as the real one does: without PUBLIC_URL, to this service
  // itself on loopback (the simulators run in its process), once its port is known in advance.
  const publicUrl = config.publicUrl ?? (config.port === 0 ? undefined : `http://127.0.0.1:${config.port}`);
  return { ...config, feyin, pickup, apiusb, lifepay: { ...config.lifepay, baseUrl, apiKey, login }, publicUrl };
}

/** The merchants the simulators know besides `default` (shop-2), with their accounts at the running simulators. */
export function sandboxMerchants(running: RunningSandbox): Merchant[] {
  return [merchantOf(SANDBOX_SECOND_MERCHANT, loadConfig(sandboxEnv(running, { merchant: SANDBOX_SECOND_MERCHANT })))];
}

/** Feyin's console setting of each sandbox member: its callbacks come to the service's route for its merchant. */
export function sendSandboxCallbacksTo(running: RunningSandbox, callbackPath: string): void {
  const { feyin } = running.simulators;
  feyin.callbackUrl = callbackPath;
  feyin.setCallbackUrl(SANDBOX_CREDENTIALS[SANDBOX_SECOND_MERCHANT].feyin.memberCode, `${callbackPath}/${SANDBOX_SECOND_MERCHANT}`);
}

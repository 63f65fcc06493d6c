import type { ApiusbSimulator } from './apiusb-simulator.js';
import type { FeyinSimulator } from './feyin-simulator.js';
import type { LifepaySimulator } from './lifepay-simulator.js';
import type { PickupSimulator } from './pickup-simulator.js';

/** One simulator per vendor, as a running sandbox holds them. */
export interface Simulators {
  feyin: FeyinSimulator;
  pickup: PickupSimulator;
  apiusb: ApiusbSimulator;
  lifepay: LifepaySimulator;
}

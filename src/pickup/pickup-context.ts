import type { KnownPickupCodes } from './known-pickup-codes.js';
import type { PickupClient } from './pickup-client.js';
import type { PickupLoaders } from './pickup-loaders.js';

/** The pickup domain's part of each request's context. */
export interface PickupContext {
  pickup: PickupClient;
  /** Pickup codes listed or cancelled by this service (the vendor has no lookup by id). */
  knownPickupCodes: KnownPickupCodes;
  pickupLoaders: PickupLoaders;
  /** The merchant whose account and records these are. */
  merchantId: string;
}

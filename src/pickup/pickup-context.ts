import type { KnownPickupCodes } from './known-pickup-codes.js';
import type { PickupClient } from './pickup-client.js';

/** The pickup domain's part of each request's context. */
export interface PickupContext {
  pickup: PickupClient;
  /** Pickup codes seen or cancelled by this process (the vendor has no lookup by id). */
  knownPickupCodes: KnownPickupCodes;
}

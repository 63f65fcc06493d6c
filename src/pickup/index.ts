// type-graphql's decorators in this folder need the metadata polyfill before they run.
import 'reflect-metadata';
import { SCOPES } from '../auth/caller-auth.js';
import type { PickupConfig } from '../config.js';
import type { Domain, DomainSchema } from '../domain.js';
import type { VendorHttpFactory } from '../http.js';
import { KnownPickupCodes } from './known-pickup-codes.js';
import { resolveMachineReference } from './machine.js';
import { PickupClient } from './pickup-client.js';
import { resolvePickupCodeReference } from './pickup-code.js';
import type { PickupContext } from './pickup-context.js';
import { MachineResolver } from './pickup-resolver.js';

export type { PickupContext } from './pickup-context.js';

export const pickupSchema: DomainSchema = {
  resolvers: [MachineResolver],
  references: { Machine: resolveMachineReference, PickupCode: resolvePickupCodeReference },
  fieldScopes: {
    'Query.machine': SCOPES.read,
    'Mutation.cancelPickupCodes': SCOPES.pickup,
    // Redeemable codes, listed by the vendor: also reachable from cancelPickupCodes' payload.
    'Machine.pickupCodes': SCOPES.read,
  },
  costlyFields: ['Machine.pickupCodes'],
};

/** The pickup vendor has no fixed host: without PICKUP_BASE_URL every call is VENDOR_NOT_CONFIGURED first. */
const NO_PICKUP_HOST = 'http://pickup.invalid';

/** Vending-machine pickup codes: the signing client and the codes this process has seen. */
export function createPickup(options: { config: PickupConfig; vendorHttp: VendorHttpFactory }): Domain<PickupContext> {
  const pickup = new PickupClient(options.config, options.vendorHttp('PICKUP', options.config.baseUrl ?? NO_PICKUP_HOST));
  const knownPickupCodes = new KnownPickupCodes();
  return { ...pickupSchema, name: 'pickup', context: () => ({ pickup, knownPickupCodes }) };
}

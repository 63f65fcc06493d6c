// type-graphql's decorators in this folder need the metadata polyfill before they run.
import 'reflect-metadata';
import { SCOPES } from '../auth/caller-auth.js';
import type { PickupConfig } from '../merchants/accounts.js';
import { AccountClients } from '../merchants/account-clients.js';
import { COST, type Domain, type DomainSchema } from '../graphql/domain.js';
import type { VendorHttpFactory } from '../vendor-http/vendor-http.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/index.js';
import { KnownPickupCodes } from './known-pickup-codes.js';
import { resolveMachineReference } from './machine.js';
import { PickupClient } from './pickup-client.js';
import { resolvePickupCodeReference } from './pickup-code.js';
import type { PickupContext } from './pickup-context.js';
import { createPickupLoaders } from './pickup-loaders.js';
import { MachineResolver } from './pickup-resolver.js';

export type { PickupContext } from './pickup-context.js';

export const pickupSchema: DomainSchema = {
  resolvers: [MachineResolver],
  references: { Machine: resolveMachineReference, PickupCode: resolvePickupCodeReference },
  cacheHints: {
    // Only its validated number.
    Machine: { maxAge: 'final' },
    // Never cached: a code is what a customer types to take the goods (no shared cache may keep
    // copies), and it is used the moment it is typed.
    'Machine.pickupCodes': { maxAge: 'none' },
    PickupCode: { maxAge: 'none' },
  },
  fieldScopes: {
    'Query.machine': SCOPES.read,
    'Mutation.cancelPickupCodes': SCOPES.pickup,
    // Redeemable codes, listed by the vendor: also reachable from cancelPickupCodes' payload.
    'Machine.pickupCodes': SCOPES.read,
  },
  // A machine is only its number, a known code a stored record: listing and cancelling ask the vendor.
  account: { vendor: 'PICKUP', fields: ['Mutation.cancelPickupCodes', 'Machine.pickupCodes'], references: [] },
  fieldCosts: {
    'Mutation.cancelPickupCodes': { weight: COST.vendorCall },
    // One vendor listing; a machine holds a few codes per product (the sandbox seeds 3).
    'Machine.pickupCodes': { weight: COST.vendorCall, assumedSize: 3 },
  },
};

/** The pickup vendor has no fixed host: without PICKUP_BASE_URL every call is VENDOR_NOT_CONFIGURED first. */
const NO_PICKUP_HOST = 'http://pickup.invalid';

export interface PickupOptions {
  store: Store;
  vendorHttp: VendorHttpFactory;
  /** Known codes are forgotten this long after their last write (ENTITY_STATE_MAX_AGE). */
  entityStateMaxAgeSec: number;
  logger: Logger;
}

/** Vending-machine pickup codes: a signing client per merchant's account, and the codes this service has seen. */
export function createPickup(options: PickupOptions): Domain<PickupContext> {
  const clients = new AccountClients(
    (account: PickupConfig, merchantId: string) =>
      new PickupClient(account, options.vendorHttp('PICKUP', account.baseUrl || NO_PICKUP_HOST, { merchant: merchantId })),
  );
  const knownPickupCodes = new KnownPickupCodes({
    store: options.store,
    maxAgeSec: options.entityStateMaxAgeSec,
    onExpiryError: (error) => options.logger.warn({ err: error }, 'pickup: removing expired pickup codes failed'),
  });
  const pickupLoaders = createPickupLoaders(knownPickupCodes);
  return {
    ...pickupSchema,
    name: 'pickup',
    context: ({ merchant, merchantId }) => ({
      pickup: clients.for(merchant.pickup, merchantId),
      knownPickupCodes,
      pickupLoaders: pickupLoaders(merchantId),
      merchantId,
    }),
  };
}

import { SCOPES } from '../auth/caller-auth.js';
import type { Domain } from '../domain.js';
import { resolveMachineReference } from './machine.js';
import { resolvePickupCodeReference } from './pickup-code.js';
import { MachineResolver } from './pickup-resolver.js';

export const pickupDomain: Domain = {
  resolvers: [MachineResolver],
  references: { Machine: resolveMachineReference, PickupCode: resolvePickupCodeReference },
  fieldScopes: {
    'Query.machine': SCOPES.read,
    'Mutation.cancelPickupCodes': SCOPES.pickup,
    // Redeemable codes, listed by the vendor: also reachable from cancelPickupCodes' payload.
    'Machine.pickupCodes': SCOPES.read,
  },
};

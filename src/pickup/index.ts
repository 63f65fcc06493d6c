import { SCOPES } from '../auth/caller-auth.js';
import type { Domain } from '../domain.js';
import { resolveMachineReference } from './machine.js';
import { resolvePickupCodeReference } from './pickup-code.js';
import { MachineResolver } from './pickup-resolver.js';

export const pickupDomain: Domain = {
  resolvers: [MachineResolver],
  references: { Machine: resolveMachineReference, PickupCode: resolvePickupCodeReference },
  mutationScopes: { cancelPickupCodes: SCOPES.pickup },
};

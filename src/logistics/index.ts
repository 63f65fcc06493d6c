import { SCOPES } from '../auth/caller-auth.js';
import type { Domain } from '../domain.js';
import { LogisticsOrderResolver } from './logistics-resolver.js';
import { resolveLogisticsOrderReference } from './logistics-order.js';

export const logisticsDomain: Domain = {
  resolvers: [LogisticsOrderResolver],
  references: { LogisticsOrder: resolveLogisticsOrderReference },
  fieldScopes: { 'Mutation.cancelOrder': SCOPES.logistics },
};

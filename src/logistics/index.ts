// type-graphql's decorators in this folder need the metadata polyfill before they run.
import 'reflect-metadata';
import { SCOPES } from '../auth/caller-auth.js';
import type { ApiusbConfig } from '../merchants/accounts.js';
import { AccountClients } from '../merchants/account-clients.js';
import { COST, type Domain, type DomainSchema } from '../graphql/domain.js';
import type { VendorHttpFactory } from '../vendor-http/vendor-http.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { VendorTokenSlot, type Store } from '../store/index.js';
import { ApiusbClient } from './apiusb-client.js';
import { CancelledOrders } from './cancelled-orders.js';
import type { LogisticsContext } from './logistics-context.js';
import { createLogisticsLoaders } from './logistics-loaders.js';
import { resolveLogisticsOrderReference } from './logistics-order.js';
import { LogisticsOrderResolver } from './logistics-resolver.js';

export type { LogisticsContext } from './logistics-context.js';

export const logisticsSchema: DomainSchema = {
  resolvers: [LogisticsOrderResolver],
  references: { LogisticsOrder: resolveLogisticsOrderReference },
  // What this service cancelled: CANCELLED stays, UNKNOWN becomes CANCELLED when a replica cancels it.
  cacheHints: { LogisticsOrder: { maxAge: 'status', finalWhen: { field: 'status', values: ['CANCELLED'] } } },
  fieldScopes: { 'Mutation.cancelOrder': SCOPES.logistics },
  account: { vendor: 'APIUSB', fields: ['Mutation.cancelOrder'], references: [] },
  // The order's state is what this service remembers: no vendor call while reading.
  fieldCosts: { 'Mutation.cancelOrder': { weight: COST.vendorCall } },
};

export interface LogisticsOptions {
  store: Store;
  vendorHttp: VendorHttpFactory;
  /** Cancelled orders are forgotten after this (ENTITY_STATE_MAX_AGE). */
  entityStateMaxAgeSec: number;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** How long one token exchange may hold the lease before another replica takes over. */
  tokenFetchLeaseMs: number;
}

/**
 * APIUSB courier orders: the client (static token, or token exchange with the token shared by
 * every replica) and what this service cancelled.
 */
export function createLogistics(options: LogisticsOptions): Domain<LogisticsContext> {
  const clients = new AccountClients((account: ApiusbConfig, merchantId: string) => {
    const slot = new VendorTokenSlot(options.store, {
      vendor: 'APIUSB',
      merchant: merchantId,
      identity: [account.baseUrl, account.appKey],
    });
    return new ApiusbClient(account, options.vendorHttp('APIUSB', account.baseUrl, { merchant: merchantId }), {
      tokenEvents: options.metrics?.tokenEvents('APIUSB'),
      sharedToken: { slot, fetchLeaseMs: options.tokenFetchLeaseMs },
    });
  });
  const cancelledOrders = new CancelledOrders({
    store: options.store,
    maxAgeSec: options.entityStateMaxAgeSec,
    onExpiryError: (error) => options.logger.warn({ err: error }, 'logistics: removing expired cancelled orders failed'),
  });
  const logisticsLoaders = createLogisticsLoaders(cancelledOrders);
  return {
    ...logisticsSchema,
    name: 'logistics',
    context: ({ merchant, merchantId }) => ({
      apiusb: clients.for(merchant.apiusb, merchantId),
      cancelledOrders,
      logisticsLoaders: logisticsLoaders(merchantId),
      merchantId,
    }),
  };
}

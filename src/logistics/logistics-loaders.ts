import DataLoader from 'dataloader';
import { lazyLoaders, storeLoader } from '../graphql/batch.js';
import type { CancelledOrder, CancelledOrders } from './cancelled-orders.js';

export interface LogisticsLoaders {
  /** By orderId: one store query per request's batch of references. */
  cancelledOrder: DataLoader<string, CancelledOrder | null>;
}

/** Each request's loaders, made when first used: they read the request's merchant's orders only. */
export function createLogisticsLoaders(cancelledOrders: CancelledOrders) {
  return lazyLoaders<LogisticsLoaders, string>({
    cancelledOrder: (merchantId) =>
      storeLoader(
        (orderIds) => cancelledOrders.findMany(merchantId, orderIds),
        (order) => order.orderId,
      ),
  });
}

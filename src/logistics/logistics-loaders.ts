import DataLoader from 'dataloader';
import { lazyLoaders, storeLoader } from '../batch.js';
import type { CancelledOrder, CancelledOrders } from './cancelled-orders.js';

export interface LogisticsLoaders {
  /** By orderId: one store query per request's batch of references. */
  cancelledOrder: DataLoader<string, CancelledOrder | null>;
}

/** Each request's loaders, made when first used. */
export function createLogisticsLoaders(cancelledOrders: CancelledOrders) {
  return lazyLoaders<LogisticsLoaders, unknown>({
    cancelledOrder: () =>
      storeLoader(
        (orderIds) => cancelledOrders.findMany(orderIds),
        (order) => order.orderId,
      ),
  });
}

import DataLoader from 'dataloader';
import { lazyLoaders } from '../batch.js';
import type { CancelledOrder, CancelledOrders } from './cancelled-orders.js';

/** Keys per store query: well under either engine's limit on bound parameters. */
const MAX_BATCH = 500;

export interface LogisticsLoaders {
  /** By orderId: one store query per request's batch of references. */
  cancelledOrder: DataLoader<string, CancelledOrder | null>;
}

/** Each request's loaders, made when first used. */
export function createLogisticsLoaders(cancelledOrders: CancelledOrders) {
  return lazyLoaders<LogisticsLoaders, unknown>({
    cancelledOrder: () =>
      new DataLoader(
        async (orderIds) => {
          const byOrderId = new Map((await cancelledOrders.findMany(orderIds)).map((order) => [order.orderId, order]));
          return orderIds.map((orderId) => byOrderId.get(orderId) ?? null);
        },
        { maxBatchSize: MAX_BATCH },
      ),
  });
}

import { BoundedMap } from '../bounded-map.js';

export interface CancelledOrder {
  orderId: string;
  taskId: string;
  reason: string;
  cancelledAt: Date;
}

/**
 * What this service cancelled. APIUSB has no order-status call for us, so a cancel we made
 * is the only status we can vouch for. Kept in memory for now (lost on restart); the
 * interface is what a store-backed version will implement.
 */
export class CancelledOrders {
  private readonly byOrderId: BoundedMap<string, CancelledOrder>;

  constructor(maxEntries = 100_000) {
    this.byOrderId = new BoundedMap(maxEntries);
  }

  async remember(order: CancelledOrder): Promise<void> {
    this.byOrderId.set(order.orderId, order);
  }

  async find(orderId: string): Promise<CancelledOrder | undefined> {
    return this.byOrderId.get(orderId);
  }
}

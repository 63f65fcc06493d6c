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
  private readonly byOrderId = new Map<string, CancelledOrder>();

  constructor(private readonly maxEntries = 100_000) {}

  async remember(order: CancelledOrder): Promise<void> {
    this.byOrderId.delete(order.orderId);
    this.byOrderId.set(order.orderId, order);
    // Oldest first out, so memory stays bounded.
    if (this.byOrderId.size > this.maxEntries) this.byOrderId.delete(this.byOrderId.keys().next().value!);
  }

  async find(orderId: string): Promise<CancelledOrder | undefined> {
    return this.byOrderId.get(orderId);
  }
}

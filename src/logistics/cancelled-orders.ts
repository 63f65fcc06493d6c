import { RowExpiry, type CancelledOrderRow, type Store } from '../store/index.js';

export interface CancelledOrder {
  orderId: string;
  taskId: string;
  reason: string;
  cancelledAt: Date;
}

export interface CancelledOrdersOptions {
  store: Store;
  /** Orders cancelled longer ago than this are forgotten (ENTITY_STATE_MAX_AGE). */
  maxAgeSec: number;
  onExpiryError?: (error: unknown) => void;
  now?: () => number;
}

/**
 * What this service cancelled, in the store so every replica answers the same and a restart
 * forgets nothing. APIUSB has no order-status call for us, so a cancel we made is the only
 * status we can vouch for.
 */
export class CancelledOrders {
  private readonly store: Store;
  private readonly expiry: RowExpiry;

  constructor(options: CancelledOrdersOptions) {
    this.store = options.store;
    this.expiry = new RowExpiry({
      maxAgeSec: options.maxAgeSec,
      now: options.now,
      onError: options.onExpiryError,
      remove: (cutoff) => this.store.db.deleteFrom('cancelled_orders').where('cancelled_at', '<', cutoff).execute(),
    });
  }

  /** The time to record a cancellation with: the clock the age limit counts on. */
  now(): Date {
    return new Date(this.expiry.nowIso());
  }

  async remember(merchant: string, order: CancelledOrder): Promise<void> {
    const row = { task_id: order.taskId, reason: order.reason, cancelled_at: order.cancelledAt.toISOString() };
    // APIUSB cancels an order once; should two replicas both record it, the later one wins whole.
    await this.store.db
      .insertInto('cancelled_orders')
      .values({ merchant, order_id: order.orderId, ...row })
      .onConflict((oc) => oc.columns(['merchant', 'order_id']).doUpdateSet(row))
      .execute();
    await this.expiry.afterWrite();
  }

  async find(merchant: string, orderId: string): Promise<CancelledOrder | undefined> {
    return (await this.findMany(merchant, [orderId]))[0];
  }

  /** One query for any number of the merchant's orders (a request's batch of references). */
  async findMany(merchant: string, orderIds: readonly string[]): Promise<CancelledOrder[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('cancelled_orders')
      .selectAll()
      .where('merchant', '=', merchant)
      .where('order_id', 'in', orderIds)
      .where('cancelled_at', '>=', this.expiry.cutoff())
      .execute();
    return rows.map(toCancelledOrder);
  }
}

function toCancelledOrder(row: CancelledOrderRow): CancelledOrder {
  return { orderId: row.order_id, taskId: row.task_id, reason: row.reason, cancelledAt: new Date(row.cancelled_at) };
}

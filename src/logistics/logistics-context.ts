import type { ApiusbClient } from './apiusb-client.js';
import type { CancelledOrders } from './cancelled-orders.js';
import type { LogisticsLoaders } from './logistics-loaders.js';

/** The logistics domain's part of each request's context. */
export interface LogisticsContext {
  apiusb: ApiusbClient;
  /** Courier orders this service cancelled (APIUSB has no status call). */
  cancelledOrders: CancelledOrders;
  logisticsLoaders: LogisticsLoaders;
  /** The merchant whose account and records these are. */
  merchantId: string;
}

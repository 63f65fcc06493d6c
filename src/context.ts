import type { Logger } from './logger.js';
import type { ApiusbClient } from './logistics/apiusb-client.js';
import type { CancelledOrders } from './logistics/cancelled-orders.js';
import type { FeyinClient } from './printing/feyin-client.js';
import { createPrintingLoaders, type PrintingLoaders } from './printing/printing-loaders.js';

/** The vendor clients and what this service remembers of its vendor work, built once at start-up. */
export interface Vendors {
  feyin: FeyinClient;
  apiusb: ApiusbClient;
  cancelledOrders: CancelledOrders;
}

/** Per-request DataLoaders: one vendor call per distinct key within a request. */
export type Loaders = PrintingLoaders;

export interface RequestContext {
  requestId: string;
  log: Logger;
  vendors: Vendors;
  loaders: Loaders;
}

export function createRequestContext(vendors: Vendors, log: Logger, requestId: string): RequestContext {
  return { requestId, log, vendors, loaders: { ...createPrintingLoaders(vendors.feyin) } };
}

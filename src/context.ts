import type { Caller } from './auth/caller-auth.js';
import type { Logger } from './logger.js';
import type { LifepayClient } from './fiscal/lifepay-client.js';
import { createFiscalLoaders, type FiscalLoaders } from './fiscal/fiscal-loaders.js';
import type { XReports } from './fiscal/x-reports.js';
import type { ApiusbClient } from './logistics/apiusb-client.js';
import type { CancelledOrders } from './logistics/cancelled-orders.js';
import type { KnownPickupCodes } from './pickup/known-pickup-codes.js';
import type { PickupClient } from './pickup/pickup-client.js';
import type { FeyinClient } from './printing/feyin-client.js';
import { createPrintingLoaders, type PrintingLoaders } from './printing/printing-loaders.js';

/** The vendor clients, built once at start-up. */
export interface Vendors {
  feyin: FeyinClient;
  pickup: PickupClient;
  apiusb: ApiusbClient;
  lifepay: LifepayClient;
}

/** Long-lived domain services over the store, built once at start-up. */
export interface Services {
  xReports: XReports;
  /** Courier orders this service cancelled (APIUSB has no status call). */
  cancelledOrders: CancelledOrders;
  /** Pickup codes seen or cancelled by this process (the vendor has no lookup by id). */
  knownPickupCodes: KnownPickupCodes;
}

/** Per-request DataLoaders: one vendor call per distinct key within a request. */
export type Loaders = PrintingLoaders & FiscalLoaders;

export interface RequestContext {
  requestId: string;
  /** The verified caller; `null` when caller auth is off. */
  caller: Caller | null;
  log: Logger;
  vendors: Vendors;
  services: Services;
  loaders: Loaders;
}

export function createRequestContext(vendors: Vendors, services: Services, log: Logger, requestId: string, caller: Caller | null = null): RequestContext {
  return { requestId, caller, log, vendors, services, loaders: { ...createPrintingLoaders(vendors.feyin), ...createFiscalLoaders(services.xReports) } };
}

import type { Logger } from './logger.js';
import type { FeyinClient } from './printing/feyin-client.js';
import { createPrintingLoaders, type PrintingLoaders } from './printing/printing-loaders.js';

/** The vendor clients, built once at start-up. */
export interface Vendors {
  feyin: FeyinClient;
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

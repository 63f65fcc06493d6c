import type { EntityChanges } from '../live/entity-changes.js';
import type { FiscalLoaders } from './fiscal-loaders.js';
import type { LifepayClient } from './lifepay-client.js';
import type { XReports } from './x-reports.js';

/** The fiscal domain's part of each request's context. */
export interface FiscalContext {
  xReports: XReports;
  fiscalLoaders: FiscalLoaders;
  /** Change announcements from every replica: what subscriptions wait for. */
  entityChanges: EntityChanges;
  /** The request's merchant's LifePay client, as configured when the request began. */
  lifepay: LifepayClient;
  /** The merchant whose account and documents these are. */
  merchantId: string;
}

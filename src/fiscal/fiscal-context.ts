import type { EntityChanges } from '../entity-changes.js';
import type { FiscalLoaders } from './fiscal-loaders.js';
import type { XReports } from './x-reports.js';

/** The fiscal domain's part of each request's context. */
export interface FiscalContext {
  xReports: XReports;
  fiscalLoaders: FiscalLoaders;
  /** Change announcements from every replica: what subscriptions wait for. */
  entityChanges: EntityChanges;
}

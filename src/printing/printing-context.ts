import type { EntityChanges } from '../live/entity-changes.js';
import type { FeyinClient } from './feyin-client.js';
import type { FeyinReports } from './feyin-reports.js';
import type { PrintingLoaders } from './printing-loaders.js';

/** The printing domain's part of each request's context. */
export interface PrintingContext {
  feyin: FeyinClient;
  /** What Feyin's callbacks reported, and where changes are announced. */
  feyinReports: FeyinReports;
  printingLoaders: PrintingLoaders;
  /** Change announcements from every replica: what subscriptions wait for. */
  entityChanges: EntityChanges;
  /** The merchant whose Feyin account and records these are (its entity keys). */
  merchantId: string;
}

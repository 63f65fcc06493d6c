import DataLoader from 'dataloader';
import { lazyLoaders } from '../batch.js';
import type { XReports, XReportRecord } from './x-reports.js';

export interface FiscalLoaders {
  /** By extId: one store query per request's batch of references. */
  fiscalDocument: DataLoader<string, XReportRecord | null>;
}

/** Each request's loaders, made when first used. */
export function createFiscalLoaders(xReports: XReports) {
  return lazyLoaders<FiscalLoaders, unknown>({
    fiscalDocument: () =>
      new DataLoader(async (extIds) => {
        const records = await xReports.findMany(extIds);
        const byExtId = new Map(records.map((record) => [record.row.ext_id, record]));
        return extIds.map((extId) => byExtId.get(extId) ?? null);
      }),
  });
}

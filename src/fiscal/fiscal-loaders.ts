import DataLoader from 'dataloader';
import { lazyLoaders, storeLoader } from '../graphql/batch.js';
import type { XReports, XReportRecord } from './x-reports.js';

export interface FiscalLoaders {
  /** By extId: one store query per request's batch of references. */
  fiscalDocument: DataLoader<string, XReportRecord | null>;
}

/** Each request's loaders, made when first used: they read the request's merchant's documents only. */
export function createFiscalLoaders(xReports: XReports) {
  return lazyLoaders<FiscalLoaders, string>({
    fiscalDocument: (merchantId) =>
      storeLoader(
        (extIds) => xReports.findMany(merchantId, extIds),
        (record) => record.row.ext_id,
      ),
  });
}

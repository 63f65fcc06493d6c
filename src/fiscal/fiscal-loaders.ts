import DataLoader from 'dataloader';
import type { VendorDocumentRow } from '../store/index.js';
import type { XReports } from './x-reports.js';

export interface FiscalLoaders {
  /** By extId: one store query per request's batch of references. */
  fiscalDocument: DataLoader<string, VendorDocumentRow | null>;
}

export function createFiscalLoaders(xReports: XReports): FiscalLoaders {
  return {
    fiscalDocument: new DataLoader(async (extIds) => {
      const rows = await xReports.documents.findMany(extIds);
      const byExtId = new Map(rows.map((row) => [row.ext_id, row]));
      return extIds.map((extId) => byExtId.get(extId) ?? null);
    }),
  };
}

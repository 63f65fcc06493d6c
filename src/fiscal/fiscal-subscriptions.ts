import { entityKey } from '../live/entity-changes.js';
import { liveStates } from '../live/live-states.js';
import type { FiscalContext } from './fiscal-context.js';
import { toFiscalDocument, type FiscalDocument } from './fiscal-document.js';
import { validExtId } from './x-report-order.js';

/** LifePay processed it, or it will never be sent again. */
const FINAL_STATUSES = new Set(['PROCESSED', 'FAILED']);

/** Announces that a document changed, on every replica. */
export const FISCAL_DOCUMENT = 'FiscalDocument';

/**
 * `fiscalDocumentUpdated`'s events: the document as `fiscalDocument` reads it (the store), again
 * after each announced change; completes after PROCESSED or FAILED. The extId is checked first.
 */
export function fiscalDocumentStates(extId: string, ctx: FiscalContext): AsyncIterableIterator<FiscalDocument> {
  const id = validExtId(extId);
  const loader = ctx.fiscalLoaders.fiscalDocument;
  return liveStates({
    changes: ctx.entityChanges,
    key: entityKey(ctx.merchantId, FISCAL_DOCUMENT, id),
    // Cleared first: the subscription's loader outlives one read.
    read: async () => {
      const record = await loader.clear(id).load(id);
      return record ? toFiscalDocument(record) : null;
    },
    isFinal: (document) => FINAL_STATUSES.has(document.status),
  });
}

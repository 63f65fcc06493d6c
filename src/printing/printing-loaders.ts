import DataLoader from 'dataloader';
import { lazyLoaders, loadEach } from '../graphql/batch.js';
import { VendorError } from '../errors/errors.js';
import type { CallScope } from '../observability/request-scope.js';
import type { FeyinClient, FeyinMessageStatus, FeyinPrinterStatus } from './feyin-client.js';
import type { FeyinReports } from './feyin-reports.js';

export interface PrintingLoaders {
  printerStatus: DataLoader<string, FeyinPrinterStatus | null>;
  printMessageStatus: DataLoader<string, FeyinMessageStatus | null>;
}

/** From this many distinct printers on, one `GET /devices` is cheaper than a call each. */
const PRINTER_LIST_THRESHOLD = 3;
/** The status answered for a message Feyin reported printed by callback (its status values are undocumented). */
export const PRINTED_STATUS = 'printed';

const unavailable = (error: unknown) => error instanceof VendorError && error.code === 'VENDOR_UNAVAILABLE';

/**
 * Feyin's answer, completed by what its callbacks reported: a `msg_printed` wins over a status
 * call that has not caught up, and answers when the call fails. Without a report, Feyin's
 * answer or error stands; the store failing too never hides Feyin's answer.
 */
async function messageStatus({ feyin, reports, merchantId, scope }: PrintingRequest, msgNo: string) {
  let live: FeyinMessageStatus | null;
  try {
    live = await feyin.messageStatus(msgNo, scope);
  } catch (error) {
    if (!unavailable(error)) throw error;
    const printed = await reports.printedMessage(merchantId, msgNo).catch(() => undefined);
    if (!printed) throw error;
    return { msgNo, status: PRINTED_STATUS, createdAt: null, printedAt: printed.printedAt };
  }
  if (live?.printedAt) return live;
  const printed = await reports.printedMessage(merchantId, msgNo).catch(() => undefined);
  if (!printed) return live;
  return { msgNo, status: PRINTED_STATUS, createdAt: live?.createdAt ?? null, printedAt: printed.printedAt };
}

/**
 * A printer as Feyin answers it, unless its last `device_status` callback is newer than the
 * status Feyin gives (`since`), or Feyin cannot be reached. A printer Feyin does not know stays unknown.
 */
async function withReport(
  { reports, merchantId }: PrintingRequest,
  deviceNo: string,
  live: FeyinPrinterStatus | null | Error,
): Promise<FeyinPrinterStatus | null> {
  if (live === null) return null;
  if (live instanceof Error && !unavailable(live)) throw live;
  // Without Feyin's `since` nothing says which is newer: Feyin's answer is the current one.
  if (!(live instanceof Error) && !live.since) return live;
  const reported = await reports.printerStatus(merchantId, deviceNo).catch(() => undefined);
  if (live instanceof Error) {
    if (!reported) throw live;
    return { deviceNo, status: reported.status, paperStatus: reported.paperStatus, since: reported.since, lastConnectedAt: null };
  }
  if (!reported || reported.since <= live.since!) return live;
  return { ...live, status: reported.status, paperStatus: reported.paperStatus, since: reported.since };
}

/** What one request's loaders read with: its merchant's Feyin client and reports, its scope (log ids, span). */
export interface PrintingRequest {
  feyin: FeyinClient;
  reports: FeyinReports;
  merchantId: string;
  scope?: CallScope;
}

/** Each request's loaders, made when first used. */
export function createPrintingLoaders() {
  return lazyLoaders<PrintingLoaders, PrintingRequest>({
    printerStatus: (request) => {
      const { feyin, scope } = request;
      const statusEach = loadEach(
        (deviceNo: string) =>
          feyin.printerStatus(deviceNo, scope).then(
            (live) => withReport(request, deviceNo, live),
            (error: unknown) => withReport(request, deviceNo, error instanceof Error ? error : new Error(String(error))),
          ),
        feyin.batchConcurrency,
      );
      return new DataLoader(async (deviceNos) => {
        if (deviceNos.length < PRINTER_LIST_THRESHOLD) return statusEach(deviceNos);
        const listed = await feyin.listPrinters(scope).catch(() => null);
        if (!listed) return statusEach(deviceNos);
        // The list holds every device of the account: one missing from it is unknown to us.
        const byNo = new Map(listed.map((printer) => [printer.deviceNo, printer]));
        return loadEach((deviceNo: string) => withReport(request, deviceNo, byNo.get(deviceNo) ?? null), feyin.batchConcurrency)(deviceNos);
      });
    },
    printMessageStatus: (request) =>
      new DataLoader(loadEach((msgNo: string) => messageStatus(request, msgNo), request.feyin.batchConcurrency)),
  });
}

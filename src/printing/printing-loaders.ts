import DataLoader from 'dataloader';
import { lazyLoaders, loadEach } from '../batch.js';
import type { CallScope } from '../observability/request-scope.js';
import type { FeyinClient, FeyinMessageStatus, FeyinPrinterStatus } from './feyin-client.js';

export interface PrintingLoaders {
  printerStatus: DataLoader<string, FeyinPrinterStatus | null>;
  printMessageStatus: DataLoader<string, FeyinMessageStatus | null>;
}

/** From this many distinct printers on, one `GET /devices` is cheaper than a call each. */
const PRINTER_LIST_THRESHOLD = 3;

/** Each request's loaders, made when first used: their vendor calls are made for `scope` (its log ids, its span). */
export function createPrintingLoaders(feyin: FeyinClient) {
  return lazyLoaders<PrintingLoaders, CallScope | undefined>({
    printerStatus: (scope) => {
      const statusEach = loadEach((deviceNo: string) => feyin.printerStatus(deviceNo, scope), feyin.batchConcurrency);
      return new DataLoader(async (deviceNos) => {
        if (deviceNos.length < PRINTER_LIST_THRESHOLD) return statusEach(deviceNos);
        const listed = await feyin.listPrinters(scope).catch(() => null);
        if (!listed) return statusEach(deviceNos);
        // The list holds every device of the account: one missing from it is unknown to us.
        const byNo = new Map(listed.map((printer) => [printer.deviceNo, printer]));
        return deviceNos.map((deviceNo) => byNo.get(deviceNo) ?? null);
      });
    },
    printMessageStatus: (scope) => new DataLoader(loadEach((msgNo: string) => feyin.messageStatus(msgNo, scope), feyin.batchConcurrency)),
  });
}

import DataLoader from 'dataloader';
import type { FeyinClient, FeyinMessageStatus, FeyinPrinterStatus } from './feyin-client.js';

export interface PrintingLoaders {
  printerStatus: DataLoader<string, FeyinPrinterStatus | null>;
  printMessageStatus: DataLoader<string, FeyinMessageStatus | null>;
}

/** Feyin has no batch status endpoint: each distinct key is one call, errors stay per key. */
const each = <T>(load: (key: string) => Promise<T>) => (keys: readonly string[]) =>
  Promise.all(keys.map((key) => load(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))));

export function createPrintingLoaders(feyin: FeyinClient): PrintingLoaders {
  return {
    printerStatus: new DataLoader(each((deviceNo) => feyin.printerStatus(deviceNo))),
    printMessageStatus: new DataLoader(each((msgNo) => feyin.messageStatus(msgNo))),
  };
}

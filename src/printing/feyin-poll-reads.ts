import { loadEach } from '../graphql/batch.js';
import { parseEntityKey } from '../live/entity-changes.js';
import type { FeyinClient, FeyinMessageStatus, FeyinPrinterStatus } from './feyin-client.js';
import type { PrintingEntity } from './feyin-reports.js';

/** A watched Feyin entity, from its key on ENTITY_CHANGED (`merchant:Type:id`). */
export interface WatchedFeyinKey {
  key: string;
  merchant: string;
  entity: PrintingEntity;
  id: string;
}

const ENTITIES: ReadonlySet<string> = new Set<PrintingEntity>(['PrintMessage', 'Printer']);

/** The key's parts when it names a Feyin message or printer. */
export function watchedFeyinKey(key: string): WatchedFeyinKey | undefined {
  const parts = parseEntityKey(key);
  if (!parts || !ENTITIES.has(parts.type)) return undefined;
  return { key, merchant: parts.merchant, entity: parts.type as PrintingEntity, id: parts.id };
}

/** A polled state: the message or printer as Feyin answers it, `null` when Feyin does not know it, or why it could not be read. */
export type PolledState = FeyinMessageStatus | FeyinPrinterStatus | null | Error;

/** From this many watched printers of one account on, one `GET /devices` reads them all. */
export const DEVICE_LIST_FROM = 2;

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * One poll of one merchant's watched keys through its own Feyin client (its token, its share of
 * the vendor): a status call per message, and one `GET /devices` for its printers when it watches
 * several (a call per printer when that list's shape is not understood, or for a single printer).
 */
export async function readWatched(feyin: FeyinClient, keys: readonly WatchedFeyinKey[]): Promise<Map<string, PolledState>> {
  const states = new Map<string, PolledState>();
  const printers = keys.filter((key) => key.entity === 'Printer');
  let listed: FeyinPrinterStatus[] | null | Error = null;
  if (printers.length >= DEVICE_LIST_FROM) listed = await feyin.listPrinters().catch(asError);
  if (listed instanceof Error) for (const printer of printers) states.set(printer.key, listed);
  else if (listed) {
    // The list holds every device of the account: one missing from it is unknown.
    const byNo = new Map(listed.map((printer) => [printer.deviceNo, printer]));
    for (const printer of printers) states.set(printer.key, byNo.get(printer.id) ?? null);
  }
  const each = keys.filter((key) => !states.has(key.key));
  const read = loadEach(
    (key: WatchedFeyinKey): Promise<FeyinMessageStatus | FeyinPrinterStatus | null> =>
      key.entity === 'Printer' ? feyin.printerStatus(key.id) : feyin.messageStatus(key.id),
    feyin.batchConcurrency,
  );
  const answers = await read(each);
  each.forEach((key, index) => states.set(key.key, answers[index]!));
  return states;
}

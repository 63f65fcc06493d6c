import { entityKey } from '../live/entity-changes.js';
import { liveStates } from '../live/live-states.js';
import type { FeyinMessageStatus, FeyinPrinterStatus } from './feyin-client.js';
import type { PrintingContext } from './printing-context.js';
import { feyinId } from './printing-input.js';

/** Feyin's message statuses after which nothing changes (its values are undocumented; the sandbox's and ours). */
const FINAL_MESSAGE_STATUSES = new Set(['printed', 'cancelled', 'canceled']);

/** A message is final once printed or cancelled. */
export function isFinalMessage(message: FeyinMessageStatus): boolean {
  return message.printedAt !== null || FINAL_MESSAGE_STATUSES.has(message.status?.toLowerCase() ?? '');
}

/**
 * `printMessageUpdated`'s events: the message as `printMessage` reads it (Feyin, completed by its
 * callbacks), again after each announced change. The id is checked before anything is read.
 */
export function printMessageStates(msgNo: string, ctx: PrintingContext): AsyncIterableIterator<FeyinMessageStatus> {
  const id = feyinId('msgNo', msgNo);
  const loader = ctx.printingLoaders.printMessageStatus;
  return liveStates({
    changes: ctx.entityChanges,
    key: entityKey(ctx.merchantId, 'PrintMessage', id),
    // Cleared first: the subscription's loader outlives one read.
    read: () => loader.clear(id).load(id),
    // The read is shared by the key's subscribers: each one's field resolvers find it in its own loader.
    received: (state) => loader.clear(id).prime(id, state),
    isFinal: isFinalMessage,
  });
}

/** `printerUpdated`'s events: the printer as `printer` reads it; a printer never reaches a final state. */
export function printerStates(deviceNo: string, ctx: PrintingContext): AsyncIterableIterator<FeyinPrinterStatus> {
  const id = feyinId('deviceNo', deviceNo);
  const loader = ctx.printingLoaders.printerStatus;
  return liveStates({
    changes: ctx.entityChanges,
    key: entityKey(ctx.merchantId, 'Printer', id),
    read: () => loader.clear(id).load(id),
    isFinal: () => false,
  });
}

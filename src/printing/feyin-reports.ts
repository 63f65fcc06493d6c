import { ENTITY_CHANGED, entityKey } from '../live/entity-changes.js';
import { RowExpiry, type FeyinPrintedMessageRow, type FeyinPrinterStateRow, type Store } from '../store/index.js';

/** A message Feyin reported printed (`msg_printed`). */
export interface PrintedMessage {
  msgNo: string;
  deviceNo: string;
  printedAt: Date;
  updatedAt: Date;
}

/** A printer's status as Feyin last reported it (`device_status`). */
export interface ReportedPrinterStatus {
  deviceNo: string;
  status: string;
  paperStatus: string;
  /** When this status was first reported. */
  since: Date;
  updatedAt: Date;
}

export { ENTITY_CHANGED };
/** The entity types on ENTITY_CHANGED: `<merchant>:PrintMessage:<msgNo>`, `<merchant>:Printer:<deviceNo>`. */
export type PrintingEntity = 'PrintMessage' | 'Printer';

export interface FeyinReportsOptions {
  store: Store;
  /** Reports not written for this long are forgotten (ENTITY_STATE_MAX_AGE). */
  maxAgeSec: number;
  onExpiryError?: (error: unknown) => void;
  now?: () => number;
}

/**
 * What Feyin's callbacks reported, in the store: every replica and a restarted process answer
 * from it where Feyin's status call fails or lags behind its own callbacks. Each merchant's own:
 * every read and write names the merchant (a Feyin member's ids are its own).
 */
export class FeyinReports {
  private readonly store: Store;
  private readonly expiry: RowExpiry;

  constructor(options: FeyinReportsOptions) {
    this.store = options.store;
    this.expiry = new RowExpiry({
      maxAgeSec: options.maxAgeSec,
      now: options.now,
      onError: options.onExpiryError,
      remove: async (cutoff) => {
        await this.store.db.deleteFrom('feyin_printed_messages').where('updated_at', '<', cutoff).execute();
        await this.store.db.deleteFrom('feyin_printer_states').where('updated_at', '<', cutoff).execute();
      },
    });
  }

  /**
   * Records a printed message; `false` when it was already recorded (a replay, or another
   * replica's copy of the same callback): a printout is final, the first report stands.
   */
  async recordPrinted(merchant: string, message: Omit<PrintedMessage, 'updatedAt'>): Promise<boolean> {
    const result = await this.store.db
      .insertInto('feyin_printed_messages')
      .values({
        merchant,
        msg_no: message.msgNo,
        device_no: message.deviceNo,
        printed_at: message.printedAt.toISOString(),
        updated_at: this.expiry.nowIso(),
      })
      // Only a row past the age limit (no longer read) is written over.
      .onConflict((oc) =>
        oc
          .columns(['merchant', 'msg_no'])
          .doUpdateSet((eb) => ({
            device_no: eb.ref('excluded.device_no'),
            printed_at: eb.ref('excluded.printed_at'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where('feyin_printed_messages.updated_at', '<', this.expiry.cutoff()),
      )
      .executeTakeFirst();
    await this.expiry.afterWrite();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * Records a printer's status; `false` when it is the status already recorded (nothing changed).
   * `since` is when it took this status: now (a callback's arrival) unless Feyin's own answer says.
   */
  async recordPrinterStatus(
    merchant: string,
    report: Pick<ReportedPrinterStatus, 'deviceNo' | 'status' | 'paperStatus'> & { since?: Date },
  ): Promise<boolean> {
    const now = this.expiry.nowIso();
    const result = await this.store.db
      .insertInto('feyin_printer_states')
      .values({
        merchant,
        device_no: report.deviceNo,
        online_status: report.status,
        paper_status: report.paperStatus,
        since: report.since?.toISOString() ?? now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['merchant', 'device_no'])
          .doUpdateSet((eb) => ({
            online_status: eb.ref('excluded.online_status'),
            paper_status: eb.ref('excluded.paper_status'),
            since: eb.ref('excluded.since'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          // The same status again (Feyin repeating itself, or a replay) changes nothing, not even `since`.
          .where((eb) =>
            eb.or([
              eb('feyin_printer_states.online_status', '!=', eb.ref('excluded.online_status')),
              eb('feyin_printer_states.paper_status', '!=', eb.ref('excluded.paper_status')),
              eb('feyin_printer_states.updated_at', '<', this.expiry.cutoff()),
            ]),
          ),
      )
      .executeTakeFirst();
    await this.expiry.afterWrite();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async printedMessage(merchant: string, msgNo: string): Promise<PrintedMessage | undefined> {
    const row = await this.store.db
      .selectFrom('feyin_printed_messages')
      .selectAll()
      .where('merchant', '=', merchant)
      .where('msg_no', '=', msgNo)
      .where('updated_at', '>=', this.expiry.cutoff())
      .executeTakeFirst();
    return row && toPrintedMessage(row);
  }

  async printerStatus(merchant: string, deviceNo: string): Promise<ReportedPrinterStatus | undefined> {
    const row = await this.store.db
      .selectFrom('feyin_printer_states')
      .selectAll()
      .where('merchant', '=', merchant)
      .where('device_no', '=', deviceNo)
      .where('updated_at', '>=', this.expiry.cutoff())
      .executeTakeFirst();
    return row && toPrinterStatus(row);
  }

  /** Tells every replica's live updates that the merchant's entity changed (SQLite: this process). */
  async announce(merchant: string, entity: PrintingEntity, id: string): Promise<void> {
    await this.store.notify(ENTITY_CHANGED, entityKey(merchant, entity, id));
  }
}

function toPrintedMessage(row: FeyinPrintedMessageRow): PrintedMessage {
  return { msgNo: row.msg_no, deviceNo: row.device_no, printedAt: new Date(row.printed_at), updatedAt: new Date(row.updated_at) };
}

function toPrinterStatus(row: FeyinPrinterStateRow): ReportedPrinterStatus {
  return {
    deviceNo: row.device_no,
    status: row.online_status,
    paperStatus: row.paper_status,
    since: new Date(row.since),
    updatedAt: new Date(row.updated_at),
  };
}

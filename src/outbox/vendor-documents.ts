import { randomUUID } from 'node:crypto';
import type { VendorMode } from '../config.js';
import type { Vendor } from '../errors/errors.js';
import type { ExpressionBuilder } from 'kysely';
import type { Database, DocumentStatus, VendorDocumentRow, VendorNotificationRow } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { Unlisten } from '../store/notifications.js';

export interface NewDocument {
  /** Whose document: its ext_id is unique per merchant, and only that merchant reads it. */
  merchant: string;
  kind: string;
  extId: string;
  target: string | null;
  /** The vendor request body, already free of credentials. */
  request: unknown;
  test: boolean;
  /** The recording request's span (`traceparent`), so every attempt's trace can link to it. */
  traceparent?: string;
}

/** Who holds an attempt, and until when. */
export interface Lease {
  owner: string;
  until: Date;
}

/** How an attempt ended. */
export type AttemptOutcome =
  | { status: 'ACCEPTED'; vendorRef: string | null }
  | { status: 'RETRY_SCHEDULED'; nextAttemptAt: Date; error: string; errorCode: string }
  | { status: 'FAILED'; error: string; errorCode: string };

/** What became of a vendor notification: `unknown` when no document has its ext_id. */
export type NotificationOutcome = 'stored' | 'duplicate' | 'capped' | 'unknown';

/** What is due now: how many documents, and since when the oldest of them. */
export interface DueSummary {
  count: number;
  oldestDueAt: Date | null;
}

/** Statuses in which the outbox still owes the vendor an attempt. */
const OPEN: DocumentStatus[] = ['SENDING', 'RETRY_SCHEDULED'];

/**
 * One vendor's documents in the outbox table. Every write that starts an attempt is a single
 * conditional UPDATE (or INSERT), so two processes on one database can never both hold the
 * same attempt: whoever's statement matched the row owns it until the lease ends.
 */
export class VendorDocuments {
  /** `mode` stamps every document recorded here, and only documents of that mode are attempted. */
  constructor(
    private readonly store: Store,
    readonly vendor: Vendor,
    readonly mode: VendorMode,
  ) {}

  /**
   * Records a document with its first attempt already leased to the caller, before anything
   * is sent. `null` when the vendor already has a document with this ext_id.
   */
  async record(document: NewDocument, lease: Lease, now = new Date()): Promise<VendorDocumentRow | null> {
    const at = now.toISOString();
    const result = await this.store.db
      .insertInto('vendor_documents')
      .values({
        id: randomUUID(),
        vendor: this.vendor,
        merchant: document.merchant,
        kind: document.kind,
        ext_id: document.extId,
        target: document.target,
        request: JSON.stringify(document.request),
        test: document.test ? 1 : 0,
        mode: this.mode,
        status: 'SENDING',
        attempts: 1,
        next_attempt_at: at,
        lease_owner: lease.owner,
        lease_until: lease.until.toISOString(),
        created_at: at,
        updated_at: at,
        traceparent: document.traceparent ?? null,
      })
      .onConflict((oc) => oc.columns(['vendor', 'merchant', 'ext_id']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) return null;
    return (await this.find(document.merchant, document.extId)) ?? null;
  }

  async find(merchant: string, extId: string): Promise<VendorDocumentRow | undefined> {
    return this.store.db
      .selectFrom('vendor_documents')
      .selectAll()
      .where('vendor', '=', this.vendor)
      .where('merchant', '=', merchant)
      .where('ext_id', '=', extId)
      .executeTakeFirst();
  }

  async findMany(merchant: string, extIds: readonly string[]): Promise<VendorDocumentRow[]> {
    if (extIds.length === 0) return [];
    return this.store.db
      .selectFrom('vendor_documents')
      .selectAll()
      .where('vendor', '=', this.vendor)
      .where('merchant', '=', merchant)
      .where('ext_id', 'in', [...extIds])
      .execute();
  }

  /** How many documents of this vendor are in each status (the outbox depth). */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.store.db
      .selectFrom('vendor_documents')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .where('vendor', '=', this.vendor)
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** The merchant's documents for a target, newest first. */
  async listForTarget(merchant: string, target: string, limit: number): Promise<VendorDocumentRow[]> {
    return this.store.db
      .selectFrom('vendor_documents')
      .selectAll()
      .where('vendor', '=', this.vendor)
      .where('merchant', '=', merchant)
      .where('target', '=', target)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Documents an attempt is due for: scheduled retries whose time has come, and attempts whose holder vanished. */
  async due(limit: number, now = new Date()): Promise<string[]> {
    const at = now.toISOString();
    const rows = await this.store.db
      .selectFrom('vendor_documents')
      .select('id')
      .where('vendor', '=', this.vendor)
      .where((eb) => this.claimable(eb, at))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Takes the next attempt of a due document: one UPDATE whose WHERE repeats the due
   * condition, so of several workers that saw it due exactly one gets a row back.
   */
  async claim(id: string, lease: Lease, now = new Date()): Promise<VendorDocumentRow | null> {
    const at = now.toISOString();
    const result = await this.store.db
      .updateTable('vendor_documents')
      .set((eb) => startAttempt(eb, lease, at))
      .where('id', '=', id)
      .where((eb) => this.claimable(eb, at))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    return (
      (await this.store.db
        .selectFrom('vendor_documents')
        .selectAll()
        .where('id', '=', id)
        .where('lease_owner', '=', lease.owner)
        .executeTakeFirst()) ?? null
    );
  }

  /**
   * Takes the next attempt of up to `limit` due documents under one lease: attempts whose
   * holder vanished first, then scheduled retries, oldest first. Each kind is one UPDATE whose
   * candidates come from the (status, time) index, so a claim costs the same with 5 or 5,000
   * documents due. On PostgreSQL the candidates are locked with SKIP LOCKED, so workers racing
   * here take disjoint documents without waiting for each other; on SQLite the statement runs
   * under the database's single write lock. Either way the UPDATE repeats the due condition,
   * so a document is only ever taken by one worker per due time.
   */
  async claimDue(limit: number, lease: Lease, now = new Date()): Promise<VendorDocumentRow[]> {
    const abandoned = await this.claimWhere('SENDING', 'lease_until', limit, lease, now);
    if (abandoned.length >= limit) return abandoned;
    return [...abandoned, ...(await this.claimWhere('RETRY_SCHEDULED', 'next_attempt_at', limit - abandoned.length, lease, now))];
  }

  private async claimWhere(
    status: DocumentStatus,
    dueColumn: 'lease_until' | 'next_attempt_at',
    limit: number,
    lease: Lease,
    now: Date,
  ): Promise<VendorDocumentRow[]> {
    if (limit <= 0) return [];
    const at = now.toISOString();
    return (
      this.store.db
        // Materialized: PostgreSQL may otherwise run a SKIP LOCKED subquery more than once and take more than `limit`.
        .with(
          (cte) => cte('picked').materialized(),
          (db) =>
            db
              .selectFrom('vendor_documents')
              .select('id')
              .where('status', '=', status)
              .where(dueColumn, '<=', at)
              .where('vendor', '=', this.vendor)
              .where('mode', '=', this.mode)
              .orderBy(dueColumn)
              .limit(limit)
              .$if(this.store.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
        )
        .updateTable('vendor_documents')
        .set((eb) => startAttempt(eb, lease, at))
        // By id only: SQLite would otherwise walk the (vendor, ext_id) index over every document of the vendor.
        .where('id', 'in', (eb) => eb.selectFrom('picked').select('picked.id'))
        .where((eb) => this.claimable(eb, at))
        .returningAll()
        .execute()
    );
  }

  /**
   * When the next attempt of this mode's open documents falls due: the earliest scheduled retry,
   * or the earliest lease that may end with its holder gone. `null` when nothing is open.
   */
  async nextDueAt(): Promise<Date | null> {
    const earliest = async (status: DocumentStatus, dueColumn: 'lease_until' | 'next_attempt_at') => {
      const row = await this.store.db
        .selectFrom('vendor_documents')
        .select(`${dueColumn} as at`)
        .where('status', '=', status)
        .where(dueColumn, 'is not', null)
        .where('vendor', '=', this.vendor)
        .where('mode', '=', this.mode)
        .orderBy(dueColumn)
        .limit(1)
        .executeTakeFirst();
      return row?.at ? Date.parse(row.at) : Infinity;
    };
    const at = Math.min(await earliest('SENDING', 'lease_until'), await earliest('RETRY_SCHEDULED', 'next_attempt_at'));
    return Number.isFinite(at) ? new Date(at) : null;
  }

  /** Documents due now and since when the oldest one is due (for /metrics). */
  async dueSummary(now = new Date()): Promise<DueSummary> {
    const at = now.toISOString();
    const row = await this.store.db
      .selectFrom('vendor_documents')
      .select((eb) => [
        eb.fn.countAll<number>().as('count'),
        eb.fn
          .min<string | null>(
            eb.case().when('status', '=', 'RETRY_SCHEDULED').then(eb.ref('next_attempt_at')).else(eb.ref('lease_until')).end(),
          )
          .as('oldest'),
      ])
      .where('vendor', '=', this.vendor)
      .where((eb) => this.claimable(eb, at))
      .executeTakeFirst();
    return { count: Number(row?.count ?? 0), oldestDueAt: row?.oldest ? new Date(row.oldest) : null };
  }

  /**
   * Calls `onDue` with the due time of each retry scheduled by any worker on this database
   * (any replica on PostgreSQL, this process on SQLite), and with `null` when some may have
   * been missed (the listening connection was lost and is back).
   */
  listenForDue(onDue: (at: Date | null) => void): Promise<Unlisten> {
    return this.store.listen(this.channel, (payload) => {
      const at = payload ? new Date(payload) : null;
      onDue(at && !Number.isNaN(at.getTime()) ? at : null);
    });
  }

  /** Records how the leased attempt ended and releases the lease. */
  async complete(id: string, owner: string, outcome: AttemptOutcome, now = new Date()): Promise<VendorDocumentRow> {
    const at = now.toISOString();
    const base = { lease_owner: null, lease_until: null, updated_at: at };
    const changes =
      outcome.status === 'ACCEPTED'
        ? { ...base, status: outcome.status, vendor_ref: outcome.vendorRef, next_attempt_at: null, last_error: null, last_error_code: null }
        : outcome.status === 'RETRY_SCHEDULED'
          ? {
              ...base,
              status: outcome.status,
              next_attempt_at: outcome.nextAttemptAt.toISOString(),
              last_error: outcome.error,
              last_error_code: outcome.errorCode,
            }
          : { ...base, status: outcome.status, next_attempt_at: null, last_error: outcome.error, last_error_code: outcome.errorCode };
    const result = await this.store.db
      .updateTable('vendor_documents')
      .set(changes)
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'SENDING')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1 && outcome.status === 'RETRY_SCHEDULED') {
      // Whichever worker is free when it falls due takes it, not only the next poll.
      // Best effort: if it is lost, polling still finds the document.
      await this.store.notify(this.channel, outcome.nextAttemptAt.toISOString()).catch(() => undefined);
    }
    if (Number(result.numUpdatedRows) !== 1) {
      // A callback settled the document while we were sending: keep its status, keep what we learned.
      await this.store.db
        .updateTable('vendor_documents')
        .set({ ...base, ...(outcome.status === 'ACCEPTED' && outcome.vendorRef ? { vendor_ref: outcome.vendorRef } : {}) })
        .where('id', '=', id)
        .where('lease_owner', '=', owner)
        .execute();
    }
    return this.store.db.selectFrom('vendor_documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  /**
   * Stores a vendor notification verbatim and marks the document PROCESSED. A replay of a body
   * already stored for the document adds nothing, and at most `maxPerDocument` distinct bodies
   * are kept, so a replaying sender cannot grow the table.
   */
  async recordNotification(
    merchant: string,
    extId: string,
    notification: { body: string; contentType: string | null },
    options: { maxPerDocument: number; now?: Date },
  ): Promise<NotificationOutcome> {
    const at = (options.now ?? new Date()).toISOString();
    return this.store.db.transaction().execute(async (trx) => {
      const document = await trx
        .selectFrom('vendor_documents')
        .select('id')
        .where('vendor', '=', this.vendor)
        .where('merchant', '=', merchant)
        .where('ext_id', '=', extId)
        .executeTakeFirst();
      if (!document) return 'unknown';
      const stored = trx.selectFrom('vendor_notifications').where('document_id', '=', document.id);
      if (await stored.select('id').where('body', '=', notification.body).executeTakeFirst()) return 'duplicate';
      const { count } = await stored.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      if (Number(count) >= options.maxPerDocument) return 'capped';
      await trx
        .insertInto('vendor_notifications')
        .values({
          id: randomUUID(),
          vendor: this.vendor,
          document_id: document.id,
          received_at: at,
          content_type: notification.contentType,
          body: notification.body,
        })
        .execute();
      await trx
        .updateTable('vendor_documents')
        .set({ status: 'PROCESSED', next_attempt_at: null, notified_at: at, updated_at: at })
        .where('id', '=', document.id)
        .execute();
      return 'stored';
    });
  }

  async latestNotification(documentId: string): Promise<VendorNotificationRow | undefined> {
    return this.store.db
      .selectFrom('vendor_notifications')
      .selectAll()
      .where('document_id', '=', documentId)
      .orderBy('received_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Open documents recorded in another mode (or before modes were stamped): never sent from here. */
  async countOpenOfOtherModes(): Promise<number> {
    const row = await this.store.db
      .selectFrom('vendor_documents')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('vendor', '=', this.vendor)
      .where('mode', '<>', this.mode)
      .where('status', 'in', OPEN)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** The notification channel of this vendor's due documents, e.g. `outbox_lifepay`. */
  private get channel(): string {
    return `outbox_${this.vendor.toLowerCase()}`;
  }

  private claimable(eb: ExpressionBuilder<Database, 'vendor_documents'>, at: string) {
    return eb.and([
      // A sandbox document must never reach the live vendor, nor a live one the simulator.
      eb('mode', '=', this.mode),
      this.dueNow(eb, at),
    ]);
  }

  private dueNow(eb: ExpressionBuilder<Database, 'vendor_documents'>, at: string) {
    return eb.or([
      eb.and([eb('status', '=', 'RETRY_SCHEDULED'), eb('next_attempt_at', '<=', at)]),
      // SENDING with an expired lease: its holder died (kill -9) or hung past the lease.
      eb.and([eb('status', '=', 'SENDING'), eb('lease_until', '<=', at)]),
    ]);
  }
}

export { OPEN as OPEN_DOCUMENT_STATUSES };

/** The columns a claim sets: the next attempt starts, held by `lease`. */
function startAttempt(eb: ExpressionBuilder<Database, 'vendor_documents'>, lease: Lease, at: string) {
  return {
    status: 'SENDING' as const,
    attempts: eb('attempts', '+', 1),
    lease_owner: lease.owner,
    lease_until: lease.until.toISOString(),
    updated_at: at,
  };
}

/** Seconds to wait after attempt number `attempts` failed; the schedule's last step repeats. */
export function retryDelaySec(scheduleSec: readonly number[], attempts: number): number {
  return scheduleSec[Math.min(Math.max(attempts, 1), scheduleSec.length) - 1];
}

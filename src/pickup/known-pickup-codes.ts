import { sql } from 'kysely';
import { RowExpiry, type PickupCodeRow, type Store } from '../store/index.js';
import type { VendorPickupCode } from './pickup-client.js';

export interface KnownPickupCode extends Omit<VendorPickupCode, 'status'> {
  machineNo: string;
  status: VendorPickupCode['status'] | 'CANCELLED';
}

export interface KnownPickupCodesOptions {
  store: Store;
  /** Codes not written for this long are forgotten (ENTITY_STATE_MAX_AGE). */
  maxAgeSec: number;
  onExpiryError?: (error: unknown) => void;
  now?: () => number;
}

/** 9 parameters a row: far below SQLite's (32766) and PostgreSQL's (65535) limits. */
const ROWS_PER_UPSERT = 500;
const STATUSES = new Set<KnownPickupCode['status']>(['UNUSED', 'USED', 'EXPIRED', 'UNKNOWN', 'CANCELLED']);

/**
 * Pickup codes this service (any replica) has listed or cancelled. The vendor can only list
 * codes by machine and product, so a code referenced by id alone (federation) is answered
 * from here, or `null` when the service has not seen it. In the store: shared and durable.
 */
export class KnownPickupCodes {
  private readonly store: Store;
  private readonly expiry: RowExpiry;

  constructor(options: KnownPickupCodesOptions) {
    this.store = options.store;
    this.expiry = new RowExpiry({
      maxAgeSec: options.maxAgeSec,
      now: options.now,
      onError: options.onExpiryError,
      remove: (cutoff) => this.store.db.deleteFrom('pickup_codes').where('recorded_at', '<', cutoff).execute(),
    });
  }

  /** Codes as the vendor just listed them for the merchant: one upsert per 500 codes. */
  async rememberAll(merchant: string, codes: readonly KnownPickupCode[]): Promise<void> {
    const recordedAt = this.expiry.nowIso();
    // One row per id: PostgreSQL refuses an upsert that touches the same row twice.
    const rows = [...new Map(codes.map((code) => [code.id, toRow(merchant, code, recordedAt)])).values()];
    for (let start = 0; start < rows.length; start += ROWS_PER_UPSERT) {
      await this.store.db
        .insertInto('pickup_codes')
        .values(rows.slice(start, start + ROWS_PER_UPSERT))
        .onConflict((oc) =>
          oc.columns(['merchant', 'id']).doUpdateSet((eb) => ({
            machine_no: eb.ref('excluded.machine_no'),
            code: eb.ref('excluded.code'),
            // A cancellation is final: a listing that raced with it (another replica) must not undo it.
            status: sql<string>`case when pickup_codes.status = 'CANCELLED' then 'CANCELLED' else excluded.status end`,
            vendor_created_at: eb.ref('excluded.vendor_created_at'),
            expires_at: eb.ref('excluded.expires_at'),
            quantity: eb.ref('excluded.quantity'),
            recorded_at: eb.ref('excluded.recorded_at'),
          })),
        )
        .execute();
    }
    if (rows.length > 0) await this.expiry.afterWrite();
  }

  async find(merchant: string, id: string): Promise<KnownPickupCode | undefined> {
    return (await this.findMany(merchant, [id]))[0];
  }

  /** One query for any number of the merchant's ids (a request's batch of references). */
  async findMany(merchant: string, ids: readonly string[]): Promise<KnownPickupCode[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('pickup_codes')
      .selectAll()
      .where('merchant', '=', merchant)
      .where('id', 'in', ids)
      .where('recorded_at', '>=', this.expiry.cutoff())
      .execute();
    return rows.map(toKnownPickupCode);
  }

  /**
   * After the vendor cancelled: with `id`, that code (remembered even if never listed: its
   * machine and status are known); without, every UNUSED code of the machine, in one UPDATE.
   */
  async markCancelled(merchant: string, machineNo: string, id?: string): Promise<void> {
    const recordedAt = this.expiry.nowIso();
    if (id === undefined) {
      await this.store.db
        .updateTable('pickup_codes')
        .set({ status: 'CANCELLED', recorded_at: recordedAt })
        .where('merchant', '=', merchant)
        .where('machine_no', '=', machineNo)
        .where('status', '=', 'UNUSED')
        .execute();
    } else {
      await this.store.db
        .insertInto('pickup_codes')
        .values({
          merchant,
          id,
          machine_no: machineNo,
          code: null,
          status: 'CANCELLED',
          vendor_created_at: null,
          expires_at: null,
          quantity: null,
          recorded_at: recordedAt,
        })
        .onConflict((oc) =>
          oc.columns(['merchant', 'id']).doUpdateSet({ machine_no: machineNo, status: 'CANCELLED', recorded_at: recordedAt }),
        )
        .execute();
    }
    await this.expiry.afterWrite();
  }
}

function toRow(merchant: string, code: KnownPickupCode, recordedAt: string) {
  return {
    merchant,
    id: code.id,
    machine_no: code.machineNo,
    code: code.code,
    status: code.status,
    vendor_created_at: code.createdAt?.toISOString() ?? null,
    expires_at: code.expiresAt?.toISOString() ?? null,
    quantity: code.quantity,
    recorded_at: recordedAt,
  };
}

function toKnownPickupCode(row: PickupCodeRow): KnownPickupCode {
  const status = row.status as KnownPickupCode['status'];
  return {
    id: row.id,
    machineNo: row.machine_no,
    code: row.code,
    status: STATUSES.has(status) ? status : 'UNKNOWN',
    createdAt: row.vendor_created_at === null ? null : new Date(row.vendor_created_at),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    quantity: row.quantity === null ? null : Number(row.quantity),
  };
}

import { createHash } from 'node:crypto';
import type { SharedTokenSlot, StoredToken } from '../vendor-http/token-cache.js';
import { DEFAULT_MERCHANT } from '../merchants/merchant.js';
import { isoTime as iso } from './schema.js';
import type { Store } from './store.js';

export interface VendorTokenAccount {
  vendor: string;
  /** Whose account: two merchants never share a token, even when they name the same vendor account. */
  merchant: string;
  /**
   * What tells one vendor account from another: base URL, account id, app id. Only a digest
   * is stored, so a key that doubles as a credential never reaches the table.
   */
  identity: Array<string | undefined>;
}

const ms = (text: string | null) => (text === null ? null : Date.parse(text));

/**
 * The row key of an account: the vendor, then a digest of its identity and, for any merchant but
 * `default` (whose rows predate merchants and keep their keys), the merchant. A merchant that
 * names another's vendor account (with its own, maybe wrong, key) gets a row of its own.
 */
export function vendorTokenKey(account: VendorTokenAccount): string {
  const parts = account.identity.map((part) => part ?? '');
  if (account.merchant !== DEFAULT_MERCHANT) parts.push(`merchant:${account.merchant}`);
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${account.vendor}:${digest.slice(0, 32)}`;
}

/**
 * One vendor account's token in `vendor_tokens`, shared by every replica on the database.
 * The fetch lease is a conditional UPDATE, as the outbox's: of several replicas whose
 * statements race, exactly one matches the row.
 */
export class VendorTokenSlot implements SharedTokenSlot {
  private readonly key: string;
  private rowExists = false;

  constructor(
    private readonly store: Store,
    private readonly account: VendorTokenAccount,
  ) {
    this.key = vendorTokenKey(account);
  }

  async read(): Promise<StoredToken | undefined> {
    const row = await this.store.db
      .selectFrom('vendor_tokens')
      .select(['token', 'renew_at'])
      .where('account', '=', this.key)
      .executeTakeFirst();
    return row && { token: row.token, renewAt: ms(row.renew_at) };
  }

  async claim(lease: { holder: string; replacing: string | null; now: number; until: number }): Promise<boolean> {
    await this.ensureRow(lease.now);
    const now = iso(lease.now);
    const result = await this.store.db
      .updateTable('vendor_tokens')
      .set({ fetch_owner: lease.holder, fetch_until: iso(lease.until), updated_at: now })
      .where('account', '=', this.key)
      .where((eb) => (lease.replacing === null ? eb('token', 'is', null) : eb('token', '=', lease.replacing)))
      .where((eb) => eb.or([eb('fetch_until', 'is', null), eb('fetch_until', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async write(fetched: { holder: string; token: string; renewAt: number; expiresAt: number; now: number }): Promise<boolean> {
    const result = await this.store.db
      .updateTable('vendor_tokens')
      .set({
        token: fetched.token,
        renew_at: iso(fetched.renewAt),
        expires_at: iso(fetched.expiresAt),
        fetch_owner: null,
        fetch_until: null,
        updated_at: iso(fetched.now),
      })
      .where('account', '=', this.key)
      .where('fetch_owner', '=', fetched.holder)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async release(holder: string): Promise<void> {
    await this.store.db
      .updateTable('vendor_tokens')
      .set({ fetch_owner: null, fetch_until: null })
      .where('account', '=', this.key)
      .where('fetch_owner', '=', holder)
      .execute();
  }

  /** The account's row, created empty the first time any replica needs it. */
  private async ensureRow(now: number): Promise<void> {
    if (this.rowExists) return;
    await this.store.db
      .insertInto('vendor_tokens')
      .values({ account: this.key, vendor: this.account.vendor, merchant: this.account.merchant, updated_at: iso(now) })
      .onConflict((oc) => oc.column('account').doNothing())
      .execute();
    this.rowExists = true;
  }
}

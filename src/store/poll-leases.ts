import { isoTime as iso } from './schema.js';
import type { Store } from './store.js';

/** Rows per statement: far below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * One poller's lease in `poll_leases`: the replica holding it polls, the others do not. Taken and
 * renewed by one conditional UPDATE, as the outbox's and the token fetch's leases: of several
 * replicas whose statements race, exactly one matches the row.
 */
export class PollLease {
  private rowExists = false;

  constructor(
    private readonly store: Store,
    private readonly poller: string,
  ) {}

  /** Takes or renews the lease until `until`; true when `holder` holds it now. */
  async claim(holder: string, now: number, until: number): Promise<boolean> {
    await this.ensureRow(now);
    const at = iso(now);
    const result = await this.store.db
      .updateTable('poll_leases')
      .set({ holder, until: iso(until), updated_at: at })
      .where('poller', '=', this.poller)
      .where((eb) => eb.or([eb('holder', '=', holder), eb('holder', 'is', null), eb('until', 'is', null), eb('until', '<', at)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the lease up (a graceful stop): another replica takes it on its next round. */
  async release(holder: string, now: number): Promise<void> {
    await this.store.db
      .updateTable('poll_leases')
      .set({ holder: null, until: null, updated_at: iso(now) })
      .where('poller', '=', this.poller)
      .where('holder', '=', holder)
      .execute();
  }

  private async ensureRow(now: number): Promise<void> {
    if (this.rowExists) return;
    await this.store.db
      .insertInto('poll_leases')
      .values({ poller: this.poller, holder: null, until: null, updated_at: iso(now) })
      .onConflict((oc) => oc.column('poller').doNothing())
      .execute();
    this.rowExists = true;
  }
}

/**
 * The entity keys watched on every replica, in `watched_keys`: each replica writes its own rows
 * (`keep`), and the lease holder reads everyone's (`watched`). A replica that vanishes without
 * withdrawing leaves rows that expire at their `until`.
 */
export class WatchedKeys {
  /** What this replica's rows hold; `undefined` after a failed write, when the next one rewrites them all. */
  private written: Set<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly replica: string,
  ) {}

  /** Makes this replica's rows exactly `keys`, each good until `until`. */
  async keep(keys: ReadonlySet<string>, until: number): Promise<void> {
    const known = this.written;
    // Uncertain until every statement went through.
    this.written = undefined;
    const at = iso(until);
    const db = this.store.db;
    const mine = () => db.deleteFrom('watched_keys').where('replica', '=', this.replica);
    if (known === undefined) await mine().execute();
    else {
      const removed = [...known].filter((key) => !keys.has(key));
      for (const part of chunks(removed)) await mine().where('key', 'in', part).execute();
      await db.updateTable('watched_keys').set({ until: at }).where('replica', '=', this.replica).execute();
    }
    const added = [...keys].filter((key) => !known?.has(key));
    for (const part of chunks(added)) {
      await db
        .insertInto('watched_keys')
        .values(part.map((key) => ({ replica: this.replica, key, until: at })))
        .onConflict((oc) => oc.columns(['replica', 'key']).doUpdateSet({ until: at }))
        .execute();
    }
    this.written = new Set(keys);
  }

  /** Removes every row of this replica (a graceful stop). */
  async withdraw(): Promise<void> {
    this.written = undefined;
    await this.store.db.deleteFrom('watched_keys').where('replica', '=', this.replica).execute();
  }

  /** Every key some replica watches now (its row not expired), and the expired rows removed. */
  async watched(now: number): Promise<string[]> {
    const at = iso(now);
    await this.store.db.deleteFrom('watched_keys').where('until', '<', at).execute();
    const rows = await this.store.db.selectFrom('watched_keys').select('key').distinct().where('until', '>=', at).execute();
    return rows.map((row) => row.key);
  }
}

/** How often one process removes expired rows: a cheap indexed DELETE, at most this often. */
export const EXPIRY_INTERVAL_MS = 60_000;

export interface RowExpiryOptions {
  /** Rows older than this are removed (ENTITY_STATE_MAX_AGE). */
  maxAgeSec: number;
  /** Deletes the rows whose time (ISO text) is before `cutoff`. */
  remove: (cutoff: string) => Promise<unknown>;
  /** A failed removal never fails the write that triggered it; the next write tries again. */
  onError?: (error: unknown) => void;
  intervalMs?: number;
  now?: () => number;
}

/**
 * Keeps a table to an age limit without a timer: only writes grow a table, so the writer that
 * finds the last removal more than `intervalMs` ago removes the expired rows. Each replica does
 * this for itself; a removal running twice at once deletes nothing twice.
 */
export class RowExpiry {
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(private readonly options: RowExpiryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The clock the table's times are written with, so the limit and the rows agree. */
  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Rows with a time before this have expired: reads skip them even before they are removed. */
  cutoff(): string {
    return new Date(this.now() - this.options.maxAgeSec * 1000).toISOString();
  }

  /** Call after a write: removes expired rows when the last removal is old enough. Never throws. */
  async afterWrite(): Promise<void> {
    const now = this.now();
    const previous = this.lastRunAt;
    if (now - previous < (this.options.intervalMs ?? EXPIRY_INTERVAL_MS)) return;
    // Claimed before the query: concurrent writers do not all remove at once.
    this.lastRunAt = now;
    try {
      await this.options.remove(this.cutoff());
    } catch (error) {
      this.lastRunAt = previous;
      this.options.onError?.(error);
    }
  }
}

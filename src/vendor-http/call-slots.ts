/** A queued call: a node of the waiting line, linked both ways so that an abort unlinks it in O(1). */
interface Waiter {
  grant: (release: () => void) => void;
  signal: AbortSignal;
  onAbort: () => void;
  prev?: Waiter;
  next?: Waiter;
}

/**
 * One merchant's share of one vendor (MERCHANT_VENDOR_CONCURRENCY): at most `limit` calls in
 * flight, the others wait in arrival order until a call ends or their own signal aborts. So one
 * merchant's flood fills its own line, not every socket of the vendor's pool. No timers of its
 * own: the caller's deadline signal is the only way out of the line besides a slot.
 */
export class VendorCallSlots {
  private running = 0;
  private waiting = 0;
  private head?: Waiter;
  private tail?: Waiter;

  private max: number;

  constructor(limit: number) {
    this.max = checkedLimit(limit);
  }

  /** Calls that may be in flight at once. */
  get limit(): number {
    return this.max;
  }

  /** A new limit: raised, it lets waiters in at once; lowered, calls in flight finish and no new one starts until below it. */
  set limit(limit: number) {
    this.max = checkedLimit(limit);
    while (this.running < this.max && this.head) {
      this.running += 1;
      this.admitFirst();
    }
  }

  /** Calls holding a slot. */
  get inFlight(): number {
    return this.running;
  }

  /** Calls waiting for one. */
  get queued(): number {
    return this.waiting;
  }

  /**
   * Resolves with the slot's release once fewer than `limit` calls hold one and every earlier
   * waiter has been served; rejects with `signal.reason` if the signal aborts first (or already
   * has: a call past its deadline takes no slot). Release is idempotent.
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        signal,
        onAbort: () => {
          this.unlink(waiter);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.append(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOver();
    };
  }

  /**
   * A slot comes free: it passes straight to the first waiter, so `running` drops only when no one
   * waits, and a newcomer never finds a free slot while others are in line.
   */
  private handOver(): void {
    // Over a lowered limit, an ending call frees no slot for the line.
    if (!this.head || this.running > this.max) {
      this.running -= 1;
      return;
    }
    this.admitFirst();
  }

  /** The first waiter leaves the line holding a slot already counted in `running`. */
  private admitFirst(): void {
    const first = this.head!;
    this.unlink(first);
    first.signal.removeEventListener('abort', first.onAbort);
    first.grant(this.releaser());
  }

  private append(waiter: Waiter): void {
    waiter.prev = this.tail;
    if (this.tail) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
    this.waiting += 1;
  }

  private unlink(waiter: Waiter): void {
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.tail = waiter.prev;
    waiter.prev = waiter.next = undefined;
    this.waiting -= 1;
  }
}

function checkedLimit(limit: number): number {
  if (!(limit >= 1) || (!Number.isInteger(limit) && limit !== Infinity)) {
    throw new RangeError(`VendorCallSlots: limit must be a positive integer, got ${limit}`);
  }
  return limit;
}

/**
 * Every merchant's share of every vendor, under one limit (MERCHANT_VENDOR_CONCURRENCY). Shares
 * outlive reloads: a merchant's new client (a changed account) shares with the old one's calls.
 * The limit is for fairness between merchants: `setLimit(Infinity)` while only one is configured.
 */
export class MerchantShares {
  private readonly shares = new Map<string, VendorCallSlots>();

  constructor(private limit: number) {}

  of(vendor: string, merchant: string): VendorCallSlots {
    const key = `${vendor}:${merchant}`;
    let share = this.shares.get(key);
    if (!share) this.shares.set(key, (share = new VendorCallSlots(this.limit)));
    return share;
  }

  setLimit(limit: number): void {
    this.limit = limit;
    for (const share of this.shares.values()) share.limit = limit;
  }

  /** Calls waiting in line now, per vendor and merchant share (for /metrics, summed by vendor: never a merchant label). */
  *waiting(): Iterable<{ vendor: string; queued: number }> {
    for (const [key, share] of this.shares) yield { vendor: key.slice(0, key.indexOf(':')), queued: share.queued };
  }
}

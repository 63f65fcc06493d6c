import { randomUUID } from 'node:crypto';

export interface IssuedToken {
  token: string;
  /** Lifetime the vendor announced, in seconds. */
  expiresInSec: number;
}

/** The token as every replica sees it (times in ms since the epoch). */
export interface StoredToken {
  token: string | null;
  renewAt: number | null;
}

/**
 * Where several processes keep one token (a row of the store). Every method is one
 * statement, so its conditions hold against any number of replicas.
 */
export interface SharedTokenSlot {
  read(): Promise<StoredToken | undefined>;
  /**
   * Takes the right to fetch the next token: only while the stored token is still
   * `replacing` (compare-and-swap) and no other holder's lease is running. True when taken.
   */
  claim(lease: { holder: string; replacing: string | null; now: number; until: number }): Promise<boolean>;
  /** Stores the fetched token and ends the lease; false when the lease was taken over meanwhile. */
  write(fetched: { holder: string; token: string; renewAt: number; expiresAt: number; now: number }): Promise<boolean>;
  /** Ends the lease without a token (the fetch failed), so the next process need not wait for it. */
  release(holder: string): Promise<void>;
}

/** What a vendor client passes on to its token cache: who counts the renewals and the failed ones. */
export type TokenEvents = Pick<TokenCacheOptions, 'onRenew' | 'onRenewFailed'>;

export interface TokenCacheOptions {
  /** Renew this long before the announced expiry, so a token never dies in flight. */
  renewBeforeSec?: number;
  now?: () => number;
  onRenew?: () => void;
  /** A fetch failed (the vendor refused our credentials or could not be reached): for the renewal-failure alert. */
  onRenewFailed?: () => void;
  /** Shares the token with other processes; without it the token lives in this process only. */
  shared?: SharedTokenSlot;
  /** How long one fetch may hold the lease before another process may take over (ms). */
  fetchLeaseMs?: number;
  /** How often a process waiting for another's fetch reads the slot again (ms). */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A vendor access token shared by every caller: fetched once, reused until shortly before it
 * expires, and fetched by exactly one caller at a time (the others await the same promise).
 * With a shared slot, "one caller" spans every replica: vendors that invalidate the previous
 * token on each fetch (Feyin, like WeChat) would otherwise see replicas knock each other out.
 * A fresh copy stays in memory, so a normal call reads nothing from the store.
 */
export class TokenCache {
  private current?: { token: string; renewAt: number };
  private pending?: Promise<string>;
  /** The last token a vendor rejected here: the slot may still hold it, and it must not be used again. */
  private rejected?: string;
  private readonly renewBeforeMs: number;
  private readonly now: () => number;
  /** This process's name on the fetch lease. */
  private readonly holder = randomUUID();

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly options: TokenCacheOptions = {},
  ) {
    this.renewBeforeMs = (options.renewBeforeSec ?? 300) * 1000;
    this.now = options.now ?? Date.now;
  }

  async get(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return this.current.token;
    this.pending ??= (this.options.shared ? this.fetchShared(this.options.shared) : this.fetch()).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** The token in use, if any: vendor text that echoes it must not reach a caller. */
  get cached(): string | undefined {
    return this.current?.token;
  }

  /**
   * The vendor rejected `token`. Forget it unless a newer one already replaced it, so that
   * many callers failing with the same stale token cause one renewal, not many.
   */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
    this.rejected = token;
  }

  private async fetch(): Promise<string> {
    const issued = await this.issueCounted();
    this.current = { token: issued.token, renewAt: this.renewAtFor(issued) };
    return issued.token;
  }

  /**
   * The stored token when it is usable; otherwise the fetch lease, taken only while the slot
   * still holds the token we found unusable, so of many replicas that saw it expire or be
   * rejected exactly one fetches. The others read the slot again until the new token appears
   * or the holder's lease runs out (then one of them takes over).
   */
  private async fetchShared(slot: SharedTokenSlot): Promise<string> {
    const leaseMs = this.options.fetchLeaseMs ?? 21_000;
    for (;;) {
      const now = this.now();
      const stored = await slot.read();
      if (stored?.token && stored.token !== this.rejected && stored.renewAt !== null && now < stored.renewAt) {
        this.current = { token: stored.token, renewAt: stored.renewAt };
        return stored.token;
      }
      const replacing = stored?.token ?? null;
      if (await slot.claim({ holder: this.holder, replacing, now, until: now + leaseMs })) return this.fetchAsHolder(slot);
      await sleep(this.options.pollMs ?? 50);
    }
  }

  private async fetchAsHolder(slot: SharedTokenSlot): Promise<string> {
    let issued: IssuedToken;
    try {
      issued = await this.issueCounted();
    } catch (error) {
      await slot.release(this.holder).catch(() => undefined);
      throw error;
    }
    const renewAt = this.renewAtFor(issued);
    this.current = { token: issued.token, renewAt };
    // Lost only when this fetch outlived its lease and another replica took over: its token
    // will replace ours at the vendor, and a rejection of ours leads there.
    await slot.write({
      holder: this.holder,
      token: issued.token,
      renewAt,
      expiresAt: this.now() + Math.max(0, issued.expiresInSec * 1000),
      now: this.now(),
    });
    return issued.token;
  }

  /** One fetch from the vendor, counted as a renewal and, when it fails, as a failed one. */
  private async issueCounted(): Promise<IssuedToken> {
    this.options.onRenew?.();
    try {
      return await this.issue();
    } catch (error) {
      this.options.onRenewFailed?.();
      throw error;
    }
  }

  private renewAtFor(issued: IssuedToken): number {
    const lifetimeMs = Math.max(0, issued.expiresInSec * 1000);
    // Short-lived tokens renew at half-life instead of never being reused.
    const margin = Math.min(this.renewBeforeMs, lifetimeMs / 2);
    return this.now() + lifetimeMs - margin;
  }
}

/**
 * Runs `call` with a cached token; when the vendor says the token is invalid, renews it once
 * and repeats the call once.
 */
export async function withTokenRenewal<T>(
  cache: TokenCache,
  call: (token: string) => Promise<T>,
  isTokenRejected: (result: T) => boolean,
): Promise<T> {
  const token = await cache.get();
  const first = await call(token);
  if (!isTokenRejected(first)) return first;
  cache.invalidate(token);
  return call(await cache.get());
}

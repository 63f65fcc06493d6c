export interface IssuedToken {
  token: string;
  /** Lifetime the vendor announced, in seconds. */
  expiresInSec: number;
}

export interface TokenCacheOptions {
  /** Renew this long before the announced expiry, so a token never dies in flight. */
  renewBeforeSec?: number;
  now?: () => number;
  onRenew?: () => void;
}

/**
 * A vendor access token shared by every caller: fetched once, reused until shortly before it
 * expires, and fetched by exactly one caller at a time (the others await the same promise).
 */
export class TokenCache {
  private current?: { token: string; renewAt: number };
  private pending?: Promise<string>;
  private readonly renewBeforeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly options: TokenCacheOptions = {},
  ) {
    this.renewBeforeMs = (options.renewBeforeSec ?? 300) * 1000;
    this.now = options.now ?? Date.now;
  }

  async get(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return this.current.token;
    this.pending ??= this.fetch().finally(() => {
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
  }

  private async fetch(): Promise<string> {
    this.options.onRenew?.();
    const issued = await this.issue();
    const lifetimeMs = Math.max(0, issued.expiresInSec * 1000);
    // Short-lived tokens renew at half-life instead of never being reused.
    const margin = Math.min(this.renewBeforeMs, lifetimeMs / 2);
    this.current = { token: issued.token, renewAt: this.now() + lifetimeMs - margin };
    return issued.token;
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

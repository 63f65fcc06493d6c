import { describe, expect, it } from 'vitest';
import { TokenCache, withTokenRenewal } from '../../src/vendor-http/token-cache.js';

function issuer(expiresInSec = 7200) {
  let issued = 0;
  const release: Array<() => void> = [];
  const issue = async () => {
    issued += 1;
    const n = issued;
    await new Promise<void>((resolve) => release.push(resolve));
    return { token: `token-${n}`, expiresInSec };
  };
  return { issue, count: () => issued, releaseAll: () => release.splice(0).forEach((r) => r()) };
}

describe('TokenCache', () => {
  it('shares one fetch among concurrent callers', async () => {
    const source = issuer();
    const cache = new TokenCache(source.issue);
    const waiting = Array.from({ length: 50 }, () => cache.get());
    await Promise.resolve();
    expect(source.count()).toBe(1);
    source.releaseAll();
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(['token-1']));
    expect(await cache.get()).toBe('token-1');
    expect(source.count()).toBe(1);
  });

  it('renews shortly before expiry, not after', async () => {
    let now = 1_000_000;
    const source = issuer(7200);
    const cache = new TokenCache(source.issue, { now: () => now, renewBeforeSec: 300 });
    const first = cache.get();
    await Promise.resolve();
    source.releaseAll();
    expect(await first).toBe('token-1');
    now += (7200 - 301) * 1000;
    expect(await cache.get()).toBe('token-1');
    now += 2000; // inside the 300 s margin
    const second = cache.get();
    await Promise.resolve();
    source.releaseAll();
    expect(await second).toBe('token-2');
  });

  it('forgets a failed fetch so the next caller tries again', async () => {
    let attempts = 0;
    const cache = new TokenCache(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('vendor down');
      return { token: 'ok', expiresInSec: 60 };
    });
    await expect(cache.get()).rejects.toThrow('vendor down');
    expect(await cache.get()).toBe('ok');
  });

  it('invalidate ignores a token that was already replaced', async () => {
    let n = 0;
    const cache = new TokenCache(async () => ({ token: `t${++n}`, expiresInSec: 3600 }));
    expect(await cache.get()).toBe('t1');
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
  });
});

describe('withTokenRenewal', () => {
  it('renews once and repeats the call once when the token is rejected', async () => {
    let n = 0;
    const cache = new TokenCache(async () => ({ token: `t${++n}`, expiresInSec: 3600 }));
    const seen: string[] = [];
    const result = await withTokenRenewal(
      cache,
      async (token) => (seen.push(token), token === 't1' ? 'rejected' : 'ok'),
      (r) => r === 'rejected',
    );
    expect(result).toBe('ok');
    expect(seen).toEqual(['t1', 't2']);
  });

  it('gives up after one renewal', async () => {
    let n = 0;
    const cache = new TokenCache(async () => ({ token: `t${++n}`, expiresInSec: 3600 }));
    let calls = 0;
    const result = await withTokenRenewal(
      cache,
      async () => (calls++, 'rejected'),
      (r) => r === 'rejected',
    );
    expect(result).toBe('rejected');
    expect(calls).toBe(2);
    expect(n).toBe(2);
  });

  it('many callers rejected with the same stale token cause one renewal', async () => {
    let n = 0;
    const cache = new TokenCache(async () => ({ token: `t${++n}`, expiresInSec: 3600 }));
    await cache.get();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        withTokenRenewal(
          cache,
          async (token) => (token === 't1' ? 'rejected' : token),
          (r) => r === 'rejected',
        ),
      ),
    );
    expect(new Set(results)).toEqual(new Set(['t2']));
    expect(n).toBe(2);
  });
});

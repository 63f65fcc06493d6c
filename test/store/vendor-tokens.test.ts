import { describe, expect, it } from 'vitest';
import { VendorTokenSlot, vendorTokenKey, type VendorTokenAccount } from '../../src/store/index.js';
import { TokenCache, withTokenRenewal, type SharedTokenSlot } from '../../src/vendor-http/token-cache.js';
import { storesPerTest } from '../helpers/database.js';

const ACCOUNT: VendorTokenAccount = { vendor: 'FEYIN', merchant: 'default', identity: ['http://feyin.test', 'member', 'app'] };

/** A vendor that issues `token-1`, `token-2`, … and counts the fetches; each fetch takes a moment, so fetches overlap. */
function vendor() {
  let issued = 0;
  return {
    count: () => issued,
    async issue() {
      const n = ++issued;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { token: `token-${n}`, expiresInSec: 7200 };
    },
  };
}

/**
 * TokenCache over `vendor_tokens`: several caches, each on its own connection to one
 * database, stand for several replicas of the service.
 */
describe.each(['sqlite', 'postgres'] as const)('the shared vendor token (%s)', (dialect) => {
  const { open, opened } = storesPerTest(dialect);

  /** `count` replicas, each a cache on its own store, fetching from `source`. */
  const replicas = async (count: number, source: ReturnType<typeof vendor>, options: { fetchLeaseMs?: number } = {}) => {
    const caches: TokenCache[] = [];
    for (let i = 0; i < count; i += 1) {
      const slot = new VendorTokenSlot(await open(), ACCOUNT);
      caches.push(new TokenCache(() => source.issue(), { shared: slot, pollMs: 10, fetchLeaseMs: options.fetchLeaseMs ?? 5_000 }));
    }
    return caches;
  };
  const row = async () =>
    opened[0]!.db.selectFrom('vendor_tokens').selectAll().where('account', '=', vendorTokenKey(ACCOUNT)).executeTakeFirst();

  it('concurrent callers on five replicas cost exactly one vendor fetch', async () => {
    const source = vendor();
    const caches = await replicas(5, source);
    const tokens = await Promise.all(caches.flatMap((cache) => Array.from({ length: 20 }, () => cache.get())));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(source.count()).toBe(1);
    expect(await row()).toMatchObject({ vendor: 'FEYIN', token: 'token-1', fetch_owner: null, fetch_until: null });
    // A replica that starts later reads the stored token instead of fetching its own.
    const [late] = await replicas(1, source);
    expect(await late!.get()).toBe('token-1');
    expect(source.count()).toBe(1);
  });

  it('the token every replica was rejected with is renewed once for all of them', async () => {
    const source = vendor();
    const caches = await replicas(4, source);
    await Promise.all(caches.map((cache) => cache.get()));
    const results = await Promise.all(
      caches.flatMap((cache) =>
        Array.from({ length: 10 }, () =>
          withTokenRenewal(
            cache,
            async (token) => (token === 'token-1' ? 'rejected' : token),
            (answer) => answer === 'rejected',
          ),
        ),
      ),
    );
    expect(new Set(results)).toEqual(new Set(['token-2']));
    expect(source.count()).toBe(2);
    expect((await row())?.token).toBe('token-2');
  });

  it('a rejection of a token another replica already replaced renews nothing', async () => {
    const source = vendor();
    const [a, b] = await replicas(2, source);
    expect(await a!.get()).toBe('token-1');
    expect(await b!.get()).toBe('token-1');
    a!.invalidate('token-1');
    expect(await a!.get()).toBe('token-2');
    // b still holds token-1 in memory; the vendor rejects it, but the store already has token-2.
    b!.invalidate('token-1');
    expect(await b!.get()).toBe('token-2');
    expect(source.count()).toBe(2);
  });

  it('a replica that saw the rejected token just before another renewed it does not renew again', async () => {
    const source = vendor();
    const [a] = await replicas(1, source);
    expect(await a!.get()).toBe('token-1');
    // b reads the slot (token-1, rejected) and only then, after a has renewed, tries to claim.
    const real = new VendorTokenSlot(await open(), ACCOUNT);
    let renewed!: () => void;
    const aRenewed = new Promise<void>((resolve) => (renewed = resolve));
    const late: SharedTokenSlot = {
      read: () => real.read(),
      claim: async (lease) => (await aRenewed, real.claim(lease)),
      write: (fetched) => real.write(fetched),
      release: (holder) => real.release(holder),
    };
    const b = new TokenCache(() => source.issue(), { shared: late, pollMs: 10 });
    b.invalidate('token-1');
    const bToken = b.get();
    a!.invalidate('token-1');
    expect(await a!.get()).toBe('token-2');
    renewed();
    expect(await bToken).toBe('token-2');
    expect(source.count()).toBe(2);
  });

  it('a normal call reads the token from memory, not from the store', async () => {
    const source = vendor();
    const [cache] = await replicas(1, source);
    expect(await cache!.get()).toBe('token-1');
    // Another writer changes the row: a fresh memory copy is still what the replica uses.
    await opened[0]!.db.updateTable('vendor_tokens').set({ token: 'written-elsewhere' }).execute();
    expect(await cache!.get()).toBe('token-1');
  });

  it('a fetch whose holder vanished is taken over once its lease runs out', async () => {
    const source = vendor();
    const [cache] = await replicas(1, source);
    const slot = new VendorTokenSlot(opened[0]!, ACCOUNT);
    const now = Date.now();
    expect(await slot.claim({ holder: 'crashed-replica', replacing: null, now, until: now + 300 })).toBe(true);
    expect(await cache!.get()).toBe('token-1');
    expect(source.count()).toBe(1);
    expect(await row()).toMatchObject({ token: 'token-1', fetch_owner: null });
  });

  it('a failed fetch releases the lease and the next call fetches again', async () => {
    let attempts = 0;
    const slot = new VendorTokenSlot(await open(), ACCOUNT);
    const cache = new TokenCache(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('vendor down');
        return { token: 'after-outage', expiresInSec: 60 };
      },
      { shared: slot, pollMs: 10, fetchLeaseMs: 60_000 },
    );
    await expect(cache.get()).rejects.toThrow('vendor down');
    expect(await row()).toMatchObject({ token: null, fetch_owner: null, fetch_until: null });
    // With the lease still held this would wait a minute, past the test's timeout.
    expect(await cache.get()).toBe('after-outage');
  });

  it('the claim is a compare-and-swap on the token and the lease', async () => {
    const store = await open();
    const [a, b] = [new VendorTokenSlot(store, ACCOUNT), new VendorTokenSlot(store, ACCOUNT)];
    const now = Date.now();
    const claims = await Promise.all([a, b].map((slot, i) => slot.claim({ holder: `r${i}`, replacing: null, now, until: now + 60_000 })));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = claims[0] ? 'r0' : 'r1';
    expect(await b.write({ holder: 'not-the-holder', token: 'x', renewAt: now + 1000, expiresAt: now + 2000, now })).toBe(false);
    expect(await a.write({ holder, token: 't1', renewAt: now + 1000, expiresAt: now + 2000, now })).toBe(true);
    // Replacing a token that is no longer stored is refused; replacing the stored one is not.
    expect(await a.claim({ holder: 'r0', replacing: 'older', now, until: now + 60_000 })).toBe(false);
    expect(await a.claim({ holder: 'r0', replacing: 't1', now, until: now + 60_000 })).toBe(true);
    expect(await b.claim({ holder: 'r1', replacing: 't1', now, until: now + 60_000 })).toBe(false);
    expect((await a.read())?.token).toBe('t1');
  });

  it('keys accounts by a digest: no credential in the table', () => {
    const key = vendorTokenKey({ vendor: 'APIUSB', merchant: 'default', identity: ['https://api.apiusb.com', 'app-key-secretish'] });
    expect(key).toMatch(/^APIUSB:[0-9a-f]{32}$/);
    expect(key).not.toContain('app-key');
    expect(vendorTokenKey({ vendor: 'FEYIN', merchant: 'default', identity: ['u', 'm', undefined] })).not.toBe(
      vendorTokenKey({ vendor: 'FEYIN', merchant: 'default', identity: ['u', 'm', 'app'] }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { PollLease, WatchedKeys } from '../../src/store/index.js';
import { storesPerTest } from '../helpers/database.js';

describe.each(['sqlite', 'postgres'] as const)('poll lease and watched keys (%s)', (dialect) => {
  const stores = storesPerTest(dialect);

  it('one replica holds the lease at a time; it renews it, and another takes it once it expired or was released', async () => {
    const [a, b] = [await stores.open(), await stores.open()];
    const leaseA = new PollLease(a, 'FEYIN');
    const leaseB = new PollLease(b, 'FEYIN');
    const t = Date.parse('2026-01-01T00:00:00Z');
    // Racing for a fresh row: exactly one wins.
    const first = await Promise.all([leaseA.claim('a', t, t + 3000), leaseB.claim('b', t, t + 3000)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    const [holder, other, holderId, otherId] = first[0] ? [leaseA, leaseB, 'a', 'b'] : [leaseB, leaseA, 'b', 'a'];
    expect(await holder.claim(holderId, t + 1000, t + 4000)).toBe(true);
    expect(await other.claim(otherId, t + 3500, t + 6500)).toBe(false);
    // The holder vanished: its lease ran out.
    expect(await other.claim(otherId, t + 4001, t + 7001)).toBe(true);
    expect(await holder.claim(holderId, t + 4002, t + 7002)).toBe(false);
    // A graceful stop releases at once.
    await other.release(otherId, t + 5000);
    expect(await holder.claim(holderId, t + 5001, t + 8001)).toBe(true);
    // Another poller's lease is a row of its own.
    expect(await new PollLease(b, 'OTHER').claim(otherId, t + 5002, t + 8002)).toBe(true);
  });

  it("each replica keeps its own keys; the holder reads everyone's until they are withdrawn or expire", async () => {
    const [a, b] = [await stores.open(), await stores.open()];
    const keysA = new WatchedKeys(a, 'a');
    const keysB = new WatchedKeys(b, 'b');
    const t = Date.now();
    await keysA.keep(new Set(['default:Printer:1', 'default:PrintMessage:9']), t + 3000);
    await keysB.keep(new Set(['default:Printer:1', 'shop-2:Printer:1']), t + 3000);
    expect((await keysA.watched(t)).sort()).toEqual(['default:PrintMessage:9', 'default:Printer:1', 'shop-2:Printer:1']);
    // a's last watcher of the message left; b renews its keys, a does not.
    await keysA.keep(new Set(['default:Printer:1']), t + 3000);
    await keysB.keep(new Set(['default:Printer:1', 'shop-2:Printer:1']), t + 6000);
    expect((await keysB.watched(t + 1000)).sort()).toEqual(['default:Printer:1', 'shop-2:Printer:1']);
    // a vanished without withdrawing: its rows expire; b's stay.
    await keysB.keep(new Set(['shop-2:Printer:1']), t + 6000);
    expect(await keysB.watched(t + 3001)).toEqual(['shop-2:Printer:1']);
    await keysB.withdraw();
    expect(await keysA.watched(t)).toEqual([]);
  });

  it('many keys at once, in chunks', async () => {
    const store = await stores.open();
    const keys = new WatchedKeys(store, 'a');
    const many = new Set(Array.from({ length: 1200 }, (_, i) => `default:PrintMessage:${i}`));
    const t = Date.now();
    await keys.keep(many, t + 3000);
    expect(await keys.watched(t)).toHaveLength(1200);
    await keys.keep(new Set(['default:PrintMessage:1']), t + 3000);
    expect(await keys.watched(t)).toEqual(['default:PrintMessage:1']);
  });
});

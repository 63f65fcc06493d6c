import { describe, expect, it } from 'vitest';
import { RowExpiry } from '../../src/store/index.js';

describe('RowExpiry', () => {
  it('removes at most once per interval, with the cutoff maxAge before now', async () => {
    let now = Date.parse('2025-03-01T00:00:00.000Z');
    const cutoffs: string[] = [];
    const expiry = new RowExpiry({ maxAgeSec: 3600, intervalMs: 60_000, now: () => now, remove: async (cutoff) => cutoffs.push(cutoff) });
    await Promise.all([expiry.afterWrite(), expiry.afterWrite()]);
    now += 59_999;
    await expiry.afterWrite();
    expect(cutoffs).toEqual(['2025-02-28T23:00:00.000Z']);
    now += 1;
    await expiry.afterWrite();
    expect(cutoffs).toEqual(['2025-02-28T23:00:00.000Z', '2025-02-28T23:01:00.000Z']);
    expect(expiry.cutoff()).toBe('2025-02-28T23:01:00.000Z');
  });

  it('a failed removal never fails the write: it is reported, and the next write tries again', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const expiry = new RowExpiry({
      maxAgeSec: 60,
      remove: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database unavailable');
      },
      onError: (error) => errors.push(error),
    });
    await expect(expiry.afterWrite()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    await expiry.afterWrite();
    expect(calls).toBe(2);
    await expiry.afterWrite();
    expect(calls).toBe(2);
  });
});

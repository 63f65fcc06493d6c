import { describe, expect, it } from 'vitest';
import { MerchantShares, VendorCallSlots } from '../../src/vendor-http/call-slots.js';

/** Issue 21: a merchant's share of a vendor, at most `limit` calls in flight, the rest in line. */

const never = () => new AbortController().signal;

/**
 * An abort signal with just the surface the line uses, aborted by a plain call: a real one's
 * event dispatch costs microseconds per abort, which would hide the line's own cost.
 */
const PLAIN_REASON = new DOMException('aborted', 'AbortError');
function plainSignal(): { signal: AbortSignal; abort: () => void } {
  let listener: (() => void) | undefined;
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_type: 'abort', onAbort: () => void) => (listener = onAbort),
    removeEventListener: () => (listener = undefined),
  };
  const abort = () => {
    signal.aborted = true;
    signal.reason = PLAIN_REASON;
    const onAbort = listener;
    listener = undefined;
    onAbort?.();
  };
  return { signal: signal as unknown as AbortSignal, abort };
}

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** `promise`'s state right now (after the microtasks already queued). */
async function state(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let seen: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (seen = 'resolved'),
    () => (seen = 'rejected'),
  );
  await settle();
  return seen;
}

describe('VendorCallSlots', () => {
  it('grants up to `limit` slots at once and queues the rest', async () => {
    const slots = new VendorCallSlots(2);
    const first = slots.acquire(never());
    const second = slots.acquire(never());
    const third = slots.acquire(never());
    expect(await state(first)).toBe('resolved');
    expect(await state(second)).toBe('resolved');
    expect(await state(third)).toBe('pending');
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 2, queued: 1 });

    (await first)();
    expect(await state(third)).toBe('resolved');
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 2, queued: 0 });
    (await second)();
    (await third)();
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 0, queued: 0 });
  });

  it('serves waiters in arrival order, and a newcomer never passes those waiting', async () => {
    const slots = new VendorCallSlots(1);
    const order: number[] = [];
    const holder = await slots.acquire(never());
    const waiters = [1, 2, 3, 4].map((n) =>
      slots.acquire(never()).then((release) => {
        order.push(n);
        return release;
      }),
    );
    let release = holder;
    for (let i = 0; i < waiters.length; i += 1) {
      release();
      release = await waiters[i]!;
      // A call arriving while others wait joins the back of the line even though a slot just freed.
      if (i === 0) waiters.push(slots.acquire(never()).then((r) => (order.push(5), r)));
    }
    release();
    (await waiters[4]!)();
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(slots.inFlight).toBe(0);
  });

  it('an abort while queued takes the waiter out of the line and rejects with the signal’s reason', async () => {
    const slots = new VendorCallSlots(1);
    const holder = await slots.acquire(never());
    const leaving = new AbortController();
    const gone = slots.acquire(leaving.signal);
    const stays = slots.acquire(never());
    expect(slots.queued).toBe(2);

    const reason = new DOMException('vendor attempt deadline', 'TimeoutError');
    leaving.abort(reason);
    await expect(gone).rejects.toBe(reason);
    expect(slots.queued).toBe(1);

    // The slot goes to the waiter behind it, not to the one that left.
    holder();
    expect(await state(stays)).toBe('resolved');
    expect(slots.inFlight).toBe(1);
    (await stays)();
    expect(slots.inFlight).toBe(0);
  });

  it('an abort of the first, last or only waiter keeps the line intact', async () => {
    const slots = new VendorCallSlots(1);
    const holder = await slots.acquire(never());
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const granted: number[] = [];
    const waiters = controllers.map((c, n) =>
      slots.acquire(c.signal).then(
        (release) => (granted.push(n), release),
        () => undefined,
      ),
    );
    controllers[0]!.abort(); // the head
    controllers[4]!.abort(); // the tail
    controllers[2]!.abort(); // the middle
    expect(slots.queued).toBe(2);
    holder();
    (await waiters[1]!)!();
    (await waiters[3]!)!();
    expect(granted).toEqual([1, 3]);
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 0, queued: 0 });
    // The emptied line still queues.
    const again = await slots.acquire(never());
    const behind = slots.acquire(never());
    expect(await state(behind)).toBe('pending');
    again();
    (await behind)();
    expect(slots.inFlight).toBe(0);
  });

  it('a signal already aborted takes no slot, even a free one', async () => {
    const slots = new VendorCallSlots(1);
    const reason = new Error('past the deadline');
    await expect(slots.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 0, queued: 0 });
  });

  it('a granted waiter no longer listens to its signal: a later abort changes nothing', async () => {
    const slots = new VendorCallSlots(1);
    const holder = await slots.acquire(never());
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    holder();
    const release = await waiting;
    controller.abort();
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 1, queued: 0 });
    const next = slots.acquire(never());
    expect(await state(next)).toBe('pending');
    release();
    (await next)();
    expect(slots.inFlight).toBe(0);
  });

  it('release is idempotent: a second call frees nothing more', async () => {
    const slots = new VendorCallSlots(1);
    const release = await slots.acquire(never());
    const second = slots.acquire(never());
    const third = slots.acquire(never());
    release();
    release();
    expect(await state(second)).toBe('resolved');
    expect(await state(third)).toBe('pending');
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 1, queued: 1 });
    (await second)();
    (await third)();
    release();
    expect(slots.inFlight).toBe(0);
    // And never below zero: the limit still holds afterwards.
    const a = slots.acquire(never());
    const b = slots.acquire(never());
    expect(await state(b)).toBe('pending');
    (await a)();
    (await b)();
  });

  it('many waiters: each served once, in order, never more than `limit` at a time', async () => {
    const limit = 16;
    const slots = new VendorCallSlots(limit);
    const total = 20_000;
    let running = 0;
    let peak = 0;
    const served: number[] = [];
    const calls = Array.from({ length: total }, async (_, n) => {
      const release = await slots.acquire(never());
      served.push(n);
      running += 1;
      peak = Math.max(peak, running);
      await Promise.resolve();
      running -= 1;
      release();
    });
    expect(slots.queued).toBe(total - limit);
    await Promise.all(calls);
    expect(peak).toBe(limit);
    expect(served).toEqual(Array.from({ length: total }, (_, n) => n));
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toEqual({ inFlight: 0, queued: 0 });
  });

  it('many waiters leaving from the middle of the line: each leaves in constant time', async () => {
    const total = 100_000;
    const slots = new VendorCallSlots(1);
    const holder = await slots.acquire(never());
    const signals = Array.from({ length: total }, () => plainSignal());
    const waiters = signals.map(({ signal }) => slots.acquire(signal).catch(() => 'left'));
    // Middle first, then outwards: each leaver is in the middle of those left, the worst place for an array.
    const middleOut = Array.from({ length: total }, (_, i) => Math.floor((total - 1) / 2) + (i % 2 ? (i + 1) / 2 : -i / 2));
    const started = performance.now();
    for (const n of middleOut) signals[n]!.abort();
    const elapsed = performance.now() - started;
    // About 50 ms here; a line searched for the leaver (indexOf + splice) takes seconds.
    expect(elapsed).toBeLessThan(400);
    expect(slots.queued).toBe(0);
    expect(new Set(await Promise.all(waiters))).toEqual(new Set(['left']));
    holder();
    expect(slots.inFlight).toBe(0);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => new VendorCallSlots(limit)).toThrow(RangeError);
    expect(new VendorCallSlots(Infinity).limit).toBe(Infinity);
  });

  it('a raised limit lets waiters in at once, in order; a lowered one starts nothing new until calls end', async () => {
    const slots = new VendorCallSlots(1);
    const first = await slots.acquire(never());
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => slots.acquire(never()).then((release) => (order.push(n), release)));
    await Promise.resolve();
    expect(slots.queued).toBe(3);
    slots.limit = 3;
    const [r1, r2] = await Promise.all(waiting.slice(0, 2));
    expect(order).toEqual([1, 2]);
    expect(slots.inFlight).toBe(3);
    expect(slots.queued).toBe(1);
    slots.limit = 1;
    first();
    r1!();
    await Promise.resolve();
    // Two ended, but one is still in flight: at the new limit of 1, the last waiter still waits.
    expect(slots.queued).toBe(1);
    r2!();
    const r3 = await waiting[2]!;
    expect(order).toEqual([1, 2, 3]);
    r3();
    expect(slots.inFlight).toBe(0);
    expect(() => (slots.limit = 0)).toThrow(RangeError);
  });

  it('MerchantShares: one share per vendor and merchant, all under one limit that can change', async () => {
    const shares = new MerchantShares(2);
    expect(shares.of('FEYIN', 'a')).toBe(shares.of('FEYIN', 'a'));
    expect(shares.of('FEYIN', 'a')).not.toBe(shares.of('FEYIN', 'b'));
    expect(shares.of('LIFEPAY', 'a')).not.toBe(shares.of('FEYIN', 'a'));
    shares.setLimit(Infinity);
    expect(shares.of('FEYIN', 'a').limit).toBe(Infinity);
    expect(shares.of('PICKUP', 'new').limit).toBe(Infinity);
    shares.setLimit(16);
    expect([shares.of('FEYIN', 'b').limit, shares.of('PICKUP', 'new').limit]).toEqual([16, 16]);
  });
});

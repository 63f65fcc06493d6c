import { describe, expect, it } from 'vitest';
import { liveStates } from '../../src/live/live-states.js';

/** Watchers by key, as EntityChanges keeps them, without a store. */
function fakeChanges() {
  const watchers = new Map<string, Set<() => void>>();
  return {
    watchers,
    watch(key: string, onChange: () => void) {
      const set = watchers.get(key) ?? new Set();
      watchers.set(key, set.add(onChange));
      return () => void set.delete(onChange);
    },
    change(key: string) {
      for (const onChange of watchers.get(key) ?? []) onChange();
    },
    count: () => [...watchers.values()].reduce((sum, set) => sum + set.size, 0),
    // Unshared: each stream reads for itself (EntityChanges's sharing is tested in entity-changes.test.ts).
    read: <T>(_key: string, read: () => Promise<T>) => read(),
  };
}

function states(initial: { status: string } | null) {
  const changes = fakeChanges();
  let current = initial;
  let reads = 0;
  const stream = liveStates({
    changes,
    key: 'Doc:1',
    read: async () => {
      reads++;
      return current;
    },
    isFinal: (state) => state.status === 'DONE',
  });
  return {
    changes,
    stream,
    set: (status: string) => {
      current = { status };
      changes.change('Doc:1');
    },
    reads: () => reads,
  };
}

describe('liveStates', () => {
  it('sends the current state first, then the latest state once however many changes came meanwhile', async () => {
    const s = states({ status: 'A' });
    expect(await s.stream.next()).toEqual({ done: false, value: { status: 'A' } });
    for (let i = 0; i < 100; i++) s.set(`B${i}`);
    expect(await s.stream.next()).toEqual({ done: false, value: { status: 'B99' } });
    // 100 changes, one read: nothing queued for a slow consumer.
    expect(s.reads()).toBe(2);
  });

  it('does not send an unchanged state again, and waits while the state is unknown', async () => {
    const s = states(null);
    const next = s.stream.next();
    s.changes.change('Doc:1');
    await new Promise((resolve) => setTimeout(resolve, 10));
    s.set('A');
    expect(await next).toEqual({ done: false, value: { status: 'A' } });
    const after = s.stream.next();
    s.set('A');
    s.set('B');
    expect(await after).toEqual({ done: false, value: { status: 'B' } });
  });

  it('ends after a final state and stops watching', async () => {
    const s = states({ status: 'A' });
    await s.stream.next();
    s.set('DONE');
    expect(await s.stream.next()).toEqual({ done: false, value: { status: 'DONE' } });
    expect(s.changes.count()).toBe(0);
    expect(await s.stream.next()).toEqual({ done: true, value: undefined });
  });

  it('return() ends a stream that is waiting for a change, and stops watching', async () => {
    const s = states({ status: 'A' });
    await s.stream.next();
    const waiting = s.stream.next();
    expect(s.changes.count()).toBe(1);
    await s.stream.return!();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(s.changes.count()).toBe(0);
  });

  it('a failing read ends the stream with its error', async () => {
    const changes = fakeChanges();
    const stream = liveStates({ changes, key: 'k', read: () => Promise.reject(new Error('down')), isFinal: () => false });
    await expect(stream.next()).rejects.toThrow('down');
    expect(changes.count()).toBe(0);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });
});

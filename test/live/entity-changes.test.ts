import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_CHANGED, entityKey, EntityChanges } from '../../src/live/entity-changes.js';
import { openStore, type Store } from '../../src/store/index.js';
import { eventually } from '../helpers/eventually.js';
import { LogCapture } from '../helpers/log-capture.js';

describe('EntityChanges', () => {
  let dir: string;
  let store: Store;
  let changes: EntityChanges;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'entity-changes-'));
    store = await openStore({ dataDir: dir, logger: new LogCapture().logger });
    changes = await EntityChanges.open(store);
  });
  afterAll(async () => {
    await changes.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("wakes the watchers of the announced entity only, and every watcher on '' (notifications may have been missed)", async () => {
    const seen: string[] = [];
    const stopA = changes.watch(entityKey('default', 'PrintMessage', '1'), () => seen.push('a'));
    const stopB = changes.watch(entityKey('default', 'FiscalDocument', '1'), () => seen.push('b'));
    // The same entity id of another merchant: never woken by the first merchant's change.
    const stopC = changes.watch(entityKey('shop-2', 'PrintMessage', '1'), () => seen.push('c'));
    await changes.announce('default', 'PrintMessage', '1');
    await eventually(() => seen.length === 1, { what: 'one wake-up' });
    expect(seen).toEqual(['a']);
    await changes.announce('shop-2', 'PrintMessage', '1');
    await eventually(() => seen.length === 2, { what: "the other merchant's wake-up" });
    expect(seen).toEqual(['a', 'c']);
    await store.notify(ENTITY_CHANGED, '');
    await eventually(() => seen.length === 5, { what: 'everyone woken' });
    expect(seen.slice(2).sort()).toEqual(['a', 'b', 'c']);
    expect(changes.size).toBe(3);
    stopA();
    stopB();
    stopB();
    stopC();
    expect(changes.size).toBe(0);
  });
});

describe('EntityChanges.read: one read per change for every watcher of a key', () => {
  let dir: string;
  let store: Store;
  let changes: EntityChanges;
  let now = 1_000_000;
  const key = entityKey('default', 'PrintMessage', 'shared-1');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'entity-reads-'));
    store = await openStore({ dataDir: dir, logger: new LogCapture().logger });
    changes = await EntityChanges.open(store, { now: () => now });
  });
  afterAll(async () => {
    await changes.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A read that counts itself and resolves when told. */
  function vendor() {
    let reads = 0;
    const pending: Array<(state: string) => void> = [];
    return {
      reads: () => reads,
      read: () => {
        reads += 1;
        return new Promise<string>((resolve) => pending.push(resolve));
      },
      answer: (state: string) => pending.splice(0).forEach((resolve) => resolve(state)),
    };
  }

  it('shares a read in flight, then the finished read until the next change; a change reads again once', async () => {
    let woken = 0;
    const stops = [1, 2, 3].map(() => changes.watch(key, () => (woken += 1)));
    const feyin = vendor();
    const first = [1, 2, 3].map(() => changes.read(key, feyin.read, { first: true }));
    feyin.answer('queued');
    expect(await Promise.all(first)).toEqual(['queued', 'queued', 'queued']);
    expect(feyin.reads()).toBe(1);

    await changes.announce('default', 'PrintMessage', 'shared-1');
    await eventually(() => woken === 3, { what: 'the change reaching the watchers' });
    // Each watcher pulls at its own pace after the change: one read serves them all, however late.
    const early = changes.read(key, feyin.read);
    feyin.answer('printed');
    expect(await early).toBe('printed');
    now += 60_000;
    expect(await changes.read(key, feyin.read)).toBe('printed');
    expect(feyin.reads()).toBe(2);
    for (const stop of stops) stop();
  });

  it("shares a finished read with a new watcher's first state only for a second: a late subscriber reads afresh", async () => {
    const stop = changes.watch(key, () => undefined);
    const feyin = vendor();
    const first = changes.read(key, feyin.read, { first: true });
    feyin.answer('queued');
    await first;
    now += 500;
    expect(await changes.read(key, feyin.read, { first: true })).toBe('queued');
    expect(feyin.reads()).toBe(1);
    now += 1_000;
    const late = changes.read(key, feyin.read, { first: true });
    feyin.answer('printing');
    expect(await late).toBe('printing');
    expect(feyin.reads()).toBe(2);
    stop();
  });

  it('lists the keys watched on this process and tells when a key gains its first watcher or loses its last', () => {
    const first = entityKey('default', 'Printer', 'listed-1');
    let told = 0;
    const stopListening = changes.onWatchedKeysChange(() => (told += 1));
    const stopA = changes.watch(first, () => undefined);
    const stopB = changes.watch(first, () => undefined);
    expect(told).toBe(1);
    expect(changes.watchedKeys()).toContain(first);
    stopA();
    stopA();
    expect(told).toBe(1);
    stopB();
    expect(told).toBe(2);
    expect(changes.watchedKeys()).not.toContain(first);
    stopListening();
    changes.watch(first, () => undefined)();
    expect(told).toBe(2);
  });

  it('keeps no failed read, shares nothing across merchants, and reads unshared for a key nobody watches', async () => {
    const other = entityKey('shop-2', 'PrintMessage', 'shared-1');
    const stops = [changes.watch(key, () => undefined), changes.watch(other, () => undefined)];
    let reads = 0;
    const failing = () => {
      reads += 1;
      return Promise.reject(new Error('vendor down'));
    };
    await expect(changes.read(key, failing)).rejects.toThrow('vendor down');
    await expect(changes.read(key, failing)).rejects.toThrow('vendor down');
    expect(reads).toBe(2);

    const ours = vendor();
    const theirs = vendor();
    const mine = changes.read(key, ours.read);
    const shops = changes.read(other, theirs.read);
    ours.answer('queued');
    theirs.answer('printed');
    expect([await mine, await shops]).toEqual(['queued', 'printed']);
    for (const stop of stops) stop();

    const alone = vendor();
    const unwatched = [changes.read(key, alone.read), changes.read(key, alone.read)];
    alone.answer('x');
    await Promise.all(unwatched);
    expect(alone.reads()).toBe(2);
  });
});

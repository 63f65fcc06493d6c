import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_CHANGED, entityKey, EntityChanges } from '../src/entity-changes.js';
import { openStore, type Store } from '../src/store/index.js';
import { eventually } from './helpers/eventually.js';
import { LogCapture } from './helpers/log-capture.js';

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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_CHANGED, EntityChanges } from '../src/entity-changes.js';
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
    const stopA = changes.watch('PrintMessage:1', () => seen.push('a'));
    const stopB = changes.watch('FiscalDocument:1', () => seen.push('b'));
    await changes.announce('PrintMessage', '1');
    await eventually(() => seen.length === 1, { what: 'one wake-up' });
    expect(seen).toEqual(['a']);
    await store.notify(ENTITY_CHANGED, '');
    await eventually(() => seen.length === 3, { what: 'everyone woken' });
    expect(seen.slice(1).sort()).toEqual(['a', 'b']);
    expect(changes.size).toBe(2);
    stopA();
    stopB();
    stopB();
    expect(changes.size).toBe(0);
  });
});

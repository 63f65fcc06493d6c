import DataLoader from 'dataloader';
import { describe, expect, it } from 'vitest';
import { lazyLoaders } from '../../src/graphql/batch.js';

describe('lazyLoaders', () => {
  const made: string[] = [];
  const loadersFor = lazyLoaders<{ byId: DataLoader<string, string>; byName: DataLoader<string, string> }, string>({
    byId: (scope) => {
      made.push(`byId:${scope}`);
      return new DataLoader(async (ids) => ids.map((id) => `${scope}/${id}`));
    },
    byName: (scope) => {
      made.push(`byName:${scope}`);
      return new DataLoader(async (names) => names.map((name) => `${scope}:${name}`));
    },
  });

  it('makes a loader only when a request first asks for it, once per request, with that request’s scope', async () => {
    made.length = 0;
    const first = loadersFor('r1');
    const second = loadersFor('r2');
    expect(made).toEqual([]);
    expect(first.byId).toBe(first.byId);
    expect(await first.byId.load('7')).toBe('r1/7');
    expect(await second.byId.load('7')).toBe('r2/7');
    expect(second.byId).not.toBe(first.byId);
    expect(made).toEqual(['byId:r1', 'byId:r2']);
  });
});

import DataLoader from 'dataloader';

/** Runs `task` over `items`, at most `limit` at a time, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/**
 * A DataLoader batch function for vendors without a batch endpoint: one call per distinct
 * key, at most `limit` in flight, and a failure stays with its key so the rest of the batch
 * still resolves.
 */
export function loadEach<K, V>(load: (key: K) => Promise<V>, limit: number) {
  return (keys: readonly K[]): Promise<Array<V | Error>> => mapLimited(keys, limit, (key) => load(key).catch(asError));
}

const SCOPE = Symbol('scope');

/**
 * A request's loaders, each made the first time the request asks for it: most requests use
 * none of them, and a DataLoader with its closures costs more than the lookup that skips it.
 * The getters live on one prototype built here, once; a request's object holds only its scope
 * and the loaders it made.
 */
export function lazyLoaders<Loaders extends object, Scope>(make: { [K in keyof Loaders]: (scope: Scope) => Loaders[K] }) {
  const prototype = {};
  for (const key of Object.keys(make) as Array<keyof Loaders & string>) {
    Object.defineProperty(prototype, key, {
      get(this: { [SCOPE]: Scope }) {
        const loader = make[key](this[SCOPE]);
        Object.defineProperty(this, key, { value: loader, enumerable: true });
        return loader;
      },
    });
  }
  return (scope: Scope): Loaders => {
    const loaders = Object.create(prototype) as Loaders & { [SCOPE]: Scope };
    loaders[SCOPE] = scope;
    return loaders;
  };
}

/** Keys per store query: well under either engine's limit on bound parameters. */
const STORE_BATCH = 500;

/**
 * A DataLoader over a store lookup: one query per batch of keys (at most STORE_BATCH), and
 * `null` for a key the store does not hold.
 */
export function storeLoader<V>(findMany: (keys: readonly string[]) => Promise<V[]>, keyOf: (value: V) => string) {
  return new DataLoader<string, V | null>(
    async (keys) => {
      const found = new Map((await findMany(keys)).map((value) => [keyOf(value), value]));
      return keys.map((key) => found.get(key) ?? null);
    },
    { maxBatchSize: STORE_BATCH },
  );
}

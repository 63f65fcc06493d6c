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

import type { Store } from './store.js';

/**
 * A service-wide value created once and then kept: the first writer wins, so two processes
 * starting together on one database agree on it.
 */
export async function settingOrCreate(store: Store, key: string, create: () => string): Promise<string> {
  await store.db
    .insertInto('service_settings')
    .values({ key, value: create(), created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await store.db.selectFrom('service_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}

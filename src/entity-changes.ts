import type { Store } from './store/index.js';

/** The channel every replica announces entity changes on; payload `merchant:Type:id`, e.g. `default:PrintMessage:123`. */
export const ENTITY_CHANGED = 'entity_changed';

/**
 * The payload that names one merchant's entity on ENTITY_CHANGED: a subscriber watches its own
 * merchant's key only, so another merchant's change to a record with the same id never wakes it.
 * Merchant ids hold no `:`, so the key is unambiguous.
 */
export const entityKey = (merchant: string, type: string, id: string): string => `${merchant}:${type}:${id}`;

/**
 * One listener on ENTITY_CHANGED per process, fanned out to watchers by entity key: a thousand
 * subscriptions cost one LISTEN. An empty payload (notifications may have been missed) wakes everyone.
 */
export class EntityChanges {
  private readonly watchers = new Map<string, Set<() => void>>();
  private unlisten: (() => Promise<void>) | undefined;

  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<EntityChanges> {
    const changes = new EntityChanges(store);
    changes.unlisten = await store.listen(ENTITY_CHANGED, (payload) => changes.dispatch(payload));
    return changes;
  }

  /** Tells every replica's watchers of the merchant's `type:id` that it changed (SQLite: this process). */
  announce(merchant: string, type: string, id: string): Promise<void> {
    return this.store.notify(ENTITY_CHANGED, entityKey(merchant, type, id));
  }

  /** Calls `onChange` on each change of the entity; returns the function that stops it. */
  watch(key: string, onChange: () => void): () => void {
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    set.add(onChange);
    return () => {
      set.delete(onChange);
      if (set.size === 0 && this.watchers.get(key) === set) this.watchers.delete(key);
    };
  }

  /** Watchers registered now: 0 once every subscription has ended. */
  get size(): number {
    let count = 0;
    for (const set of this.watchers.values()) count += set.size;
    return count;
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  private dispatch(payload: string): void {
    const sets = payload === '' ? [...this.watchers.values()] : [this.watchers.get(payload)];
    for (const set of sets) for (const onChange of [...(set ?? [])]) onChange();
  }
}

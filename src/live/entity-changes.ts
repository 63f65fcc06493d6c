import type { Store } from '../store/index.js';

/** The channel every replica announces entity changes on; payload `merchant:Type:id`, e.g. `default:PrintMessage:123`. */
export const ENTITY_CHANGED = 'entity_changed';

/**
 * The payload that names one merchant's entity on ENTITY_CHANGED: a subscriber watches its own
 * merchant's key only, so another merchant's change to a record with the same id never wakes it.
 * Merchant ids hold no `:`, so the key is unambiguous.
 */
export const entityKey = (merchant: string, type: string, id: string): string => `${merchant}:${type}:${id}`;

/** `entityKey`'s parts back: merchant ids and type names hold no `:`, ids may. Undefined for a payload that is no key. */
export function parseEntityKey(key: string): { merchant: string; type: string; id: string } | undefined {
  const [merchant, type, ...rest] = key.split(':');
  if (!merchant || !type || rest.length === 0) return undefined;
  return { merchant, type, id: rest.join(':') };
}

/** How long a finished read still serves a subscriber's first state: subscribers that start together share it. */
const FIRST_READ_SHARED_MS = 1_000;

/** One read of a key's state, shared by every watcher that asks for the same change. */
interface SharedRead {
  /** The key's change count when the read began: a later change makes it stale. */
  generation: number;
  state: Promise<unknown>;
  /** When it finished (ms); undefined while in flight. */
  doneAt?: number;
}

/** A watched key: its watchers, how many changes it has had, and its last read. */
interface WatchedKey {
  watchers: Set<() => void>;
  generation: number;
  shared?: SharedRead;
}

/**
 * One listener on ENTITY_CHANGED per process, fanned out to watchers by entity key: a thousand
 * subscriptions cost one LISTEN. An empty payload (notifications may have been missed) wakes
 * everyone. A change is read once per process however many watch it (`read`): the vendor sees one
 * read per change and replica, not one per subscriber.
 */
export class EntityChanges {
  private readonly keys = new Map<string, WatchedKey>();
  private readonly keyListeners = new Set<() => void>();
  private unlisten: (() => Promise<void>) | undefined;

  private constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  static async open(store: Store, options: { now?: () => number } = {}): Promise<EntityChanges> {
    const changes = new EntityChanges(store, options.now ?? Date.now);
    changes.unlisten = await store.listen(ENTITY_CHANGED, (payload) => changes.dispatch(payload));
    return changes;
  }

  /** Tells every replica's watchers of the merchant's `type:id` that it changed (SQLite: this process). */
  announce(merchant: string, type: string, id: string): Promise<void> {
    return this.store.notify(ENTITY_CHANGED, entityKey(merchant, type, id));
  }

  /** Calls `onChange` on each change of the entity; returns the function that stops it. */
  watch(key: string, onChange: () => void): () => void {
    let watched = this.keys.get(key);
    if (!watched) this.keys.set(key, (watched = { watchers: new Set(), generation: 0 }));
    const { watchers } = watched;
    const firstWatcher = watchers.size === 0;
    watchers.add(onChange);
    if (firstWatcher) this.keysChanged();
    return () => {
      if (!watchers.delete(onChange)) return;
      // The last watcher takes the key's shared read with it.
      if (watchers.size === 0 && this.keys.get(key) === watched) {
        this.keys.delete(key);
        this.keysChanged();
      }
    };
  }

  /** The keys watched on this process now. */
  watchedKeys(): string[] {
    return [...this.keys.keys()];
  }

  /** Calls `listener` whenever a key gets its first watcher or loses its last (e.g. to tell other replicas); returns the function that stops it. */
  onWatchedKeysChange(listener: () => void): () => void {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  }

  /**
   * The key's state, read by `read` once for all its watchers: a read in flight, or finished since
   * the key's last change, is shared; a change makes the next ask read again. A watcher's first
   * state shares only a read in flight or finished within the last second (they start together),
   * so a late subscriber never starts from an old read. A failed read is not kept. The key holds
   * one merchant's entity, so a shared state never crosses merchants; who may watch it was decided
   * before watching (scopes and merchant, per subscriber).
   */
  read<T>(key: string, read: () => Promise<T>, options: { first?: boolean } = {}): Promise<T> {
    const watched = this.keys.get(key);
    if (!watched) return read();
    const shared = watched.shared;
    if (shared && shared.generation === watched.generation) {
      const recent = shared.doneAt === undefined || this.now() - shared.doneAt <= FIRST_READ_SHARED_MS;
      if (!options.first || recent) return shared.state as Promise<T>;
    }
    const state = read();
    const next: SharedRead = { generation: watched.generation, state };
    watched.shared = next;
    state.then(
      () => (next.doneAt = this.now()),
      () => {
        if (watched.shared === next) watched.shared = undefined;
      },
    );
    return state;
  }

  /** Watchers registered now: 0 once every subscription has ended. */
  get size(): number {
    let count = 0;
    for (const watched of this.keys.values()) count += watched.watchers.size;
    return count;
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  private keysChanged(): void {
    for (const listener of this.keyListeners) listener();
  }

  private dispatch(payload: string): void {
    const keys = payload === '' ? [...this.keys.values()] : [this.keys.get(payload)];
    for (const watched of keys) {
      if (!watched) continue;
      watched.generation += 1;
      for (const onChange of [...watched.watchers]) onChange();
    }
  }
}

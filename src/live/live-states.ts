import type { EntityChanges } from './entity-changes.js';

export interface LiveStatesOptions<T> {
  /** Who announces changes, and shares each change's read between the key's watchers. */
  changes: Pick<EntityChanges, 'watch' | 'read'>;
  /** The entity's key on ENTITY_CHANGED (`entityKey(type, id)`). */
  key: string;
  /** The current state, read as a query reads it; `null` while it is unknown. Shared by the key's watchers: one read per change. */
  read(): Promise<T | null>;
  /** Hands a state this subscriber received (maybe read for another) to its own context, e.g. its loader, where its field resolvers look. */
  received?(state: T): void;
  /** A state after which nothing changes: the stream ends after sending it. */
  isFinal(state: T): boolean;
  /** How two states compare; an unchanged state is not sent again. JSON by default. */
  same?(a: T, b: T): boolean;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A subscription's source stream: the current state first, then the state after each change,
 * ending after a final state. Events are states, so changes are coalesced: a change only marks
 * the stream stale and the next pull reads the latest state once, however many changes came
 * meanwhile; a slow consumer never makes a queue grow. Watching starts before the first read,
 * so no change between the two is lost. `return()` ends it at once, even while it waits.
 */
export function liveStates<T>(options: LiveStatesOptions<T>): AsyncIterableIterator<T> {
  const same = options.same ?? sameJson;
  let stale = true;
  let first = true;
  let ended = false;
  let last: T | undefined;
  let wake: (() => void) | undefined;
  const unwatch = options.changes.watch(options.key, () => {
    stale = true;
    wake?.();
  });
  const end = (): IteratorResult<T> => {
    if (!ended) {
      ended = true;
      unwatch();
      wake?.();
    }
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      while (!ended) {
        if (!stale) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (ended) break;
        stale = false;
        let state: T | null;
        try {
          state = await options.changes.read(options.key, options.read, { first });
          first = false;
        } catch (error) {
          end();
          throw error;
        }
        if (ended) break;
        if (state !== null) options.received?.(state);
        if (state === null || (last !== undefined && same(last, state))) continue;
        last = state;
        // Sent, then the next pull ends the stream.
        if (options.isFinal(state)) {
          unwatch();
          const finalState = state;
          iterator.next = async () => end();
          return { done: false, value: finalState };
        }
        return { done: false, value: state };
      }
      return end();
    },
    async return() {
      return end();
    },
    async throw(error?: unknown) {
      end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

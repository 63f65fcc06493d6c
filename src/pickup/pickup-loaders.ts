import DataLoader from 'dataloader';
import { lazyLoaders } from '../batch.js';
import type { KnownPickupCode, KnownPickupCodes } from './known-pickup-codes.js';

/** Keys per store query: well under either engine's limit on bound parameters. */
const MAX_BATCH = 500;

export interface PickupLoaders {
  /** By pickup-code id: one store query per request's batch of references. */
  pickupCode: DataLoader<string, KnownPickupCode | null>;
}

/** Each request's loaders, made when first used. */
export function createPickupLoaders(knownPickupCodes: KnownPickupCodes) {
  return lazyLoaders<PickupLoaders, unknown>({
    pickupCode: () =>
      new DataLoader(
        async (ids) => {
          const byId = new Map((await knownPickupCodes.findMany(ids)).map((code) => [code.id, code]));
          return ids.map((id) => byId.get(id) ?? null);
        },
        { maxBatchSize: MAX_BATCH },
      ),
  });
}

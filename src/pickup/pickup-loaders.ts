import DataLoader from 'dataloader';
import { lazyLoaders, storeLoader } from '../graphql/batch.js';
import type { KnownPickupCode, KnownPickupCodes } from './known-pickup-codes.js';

export interface PickupLoaders {
  /** By pickup-code id: one store query per request's batch of references. */
  pickupCode: DataLoader<string, KnownPickupCode | null>;
}

/** Each request's loaders, made when first used: they read the request's merchant's codes only. */
export function createPickupLoaders(knownPickupCodes: KnownPickupCodes) {
  return lazyLoaders<PickupLoaders, string>({
    pickupCode: (merchantId) =>
      storeLoader(
        (ids) => knownPickupCodes.findMany(merchantId, ids),
        (code) => code.id,
      ),
  });
}

import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export const STORES_SDL = readFileSync(new URL('./stores.graphql', import.meta.url), 'utf8');

/** Hints we decided to accept, by code: none so far. */
export const ACCEPTED_HINT_CODES = new Set<string>();

export interface Composition {
  supergraphSdl?: string;
  errors: string[];
  /** Hints not in ACCEPTED_HINT_CODES. */
  hints: string[];
}

/** Composes the committed subgraph schema with the test `stores` subgraph, as the router would. */
export function composeWithStores(
  urls: { vendors: string; stores: string },
  vendorsSdl = readFileSync('schema/subgraph.graphql', 'utf8'),
): Composition {
  const result = composeServices([
    { name: 'vendors', url: urls.vendors, typeDefs: parse(vendorsSdl) },
    { name: 'stores', url: urls.stores, typeDefs: parse(STORES_SDL) },
  ]);
  const hints = (result.hints ?? [])
    .filter((hint) => !ACCEPTED_HINT_CODES.has(hint.definition.code))
    .map((hint) => `${hint.definition.code}: ${hint.message}`);
  return { supergraphSdl: result.supergraphSdl, errors: (result.errors ?? []).map((e) => e.message), hints };
}

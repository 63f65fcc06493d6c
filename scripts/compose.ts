import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { Kind, parse, print, visit, type DocumentNode } from 'graphql';

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

/** The directives the router acts on: scopes at the edge, and demand control's weights and list sizes. */
export const ROUTER_DIRECTIVES = ['requiresScopes', 'cost', 'listSize'] as const;

/** `Type.field @directive(args)` for every router directive on a field definition of `document`. */
function routerDirectiveUses(document: DocumentNode): Set<string> {
  const uses = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if ((ROUTER_DIRECTIVES as readonly string[]).includes(directive.name.value)) {
          uses.add(`${definition.name.value}.${field.name.value} ${print(directive)}`);
        }
      }
    }
  }
  return uses;
}

/**
 * What the composed supergraph lost of the subgraph's router directives: each use missing, and
 * each directive the subgraph does not use at all (so a schema that dropped them all fails too).
 */
export function missingRouterDirectives(supergraphSdl: string, vendorsSdl = readFileSync('schema/subgraph.graphql', 'utf8')): string[] {
  const published = routerDirectiveUses(parse(vendorsSdl));
  const composed = routerDirectiveUses(parse(supergraphSdl));
  const unused = ROUTER_DIRECTIVES.filter((name) => ![...published].some((use) => use.includes(` @${name}(`)));
  return [...unused.map((name) => `@${name} (used by no field of the subgraph)`), ...[...published].filter((use) => !composed.has(use))];
}

/**
 * The subgraph SDL without @requiresScopes, for Apollo Gateway (JS): it refuses a supergraph that
 * links requiresScopes `for: SECURITY`, a feature it cannot enforce (Apollo Router does). The
 * subgraph checks the same scopes itself, so what the gateway then serves is still guarded.
 */
export function withoutRequiresScopes(vendorsSdl: string): string {
  const stripped = visit(parse(vendorsSdl), {
    Directive: (node) => (node.name.value === 'requiresScopes' ? null : undefined),
    StringValue: (node) => (node.value === '@requiresScopes' ? null : undefined),
  });
  return print(stripped);
}

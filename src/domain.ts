import type { NonEmptyArray } from 'type-graphql';
import type { RequestContext } from './context.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ReferenceResolver = (reference: any, ctx: RequestContext) => unknown;

/** What each domain folder contributes to the subgraph. */
export interface Domain {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  /** Entity type name → `__resolveReference`, which runs outside type-graphql. */
  references: Record<string, ReferenceResolver>;
  /** Mutation name → the caller scope it needs. A mutation missing here is refused to everyone. */
  mutationScopes: Record<string, string>;
}

import type { NonEmptyArray } from 'type-graphql';
import type { RequestContext } from './context.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ReferenceResolver = (reference: any, ctx: RequestContext) => unknown;

/** Schema coordinate (`Type.field`) → the caller scope the field needs. */
export type FieldScopes = Readonly<Record<`${string}.${string}`, string>>;

/** What each domain folder contributes to the subgraph. */
export interface Domain {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  /** Entity type name → `__resolveReference`, which runs outside type-graphql. */
  references: Record<string, ReferenceResolver>;
  /**
   * The scope of every field with its own resolver: each root field (Query, Mutation) and each
   * @FieldResolver, i.e. everything that reaches a vendor or the store. Checked wherever the field
   * appears (a query, a mutation's payload, `_entities`) before its resolver runs. A
   * resolver-backed field missing here is refused to every caller.
   */
  fieldScopes: FieldScopes;
}

import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { requireScope, SCOPES } from './auth/caller-auth.js';
import type { RequestContext } from './context.js';
import type { Domain } from './domain.js';
import { fiscalDomain } from './fiscal/index.js';
import { logisticsDomain } from './logistics/index.js';
import { pickupDomain } from './pickup/index.js';
import { printingDomain } from './printing/index.js';

export const DOMAINS: Domain[] = [printingDomain, pickupDomain, logisticsDomain, fiscalDomain];

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** type-graphql classes → SDL with directives → Federation 2 subgraph schema. */
export async function buildSubgraph(domains: Domain[] = DOMAINS): Promise<GraphQLSchema> {
  const resolvers = domains.flatMap((d) => d.resolvers) as [Function, ...Function[]];
  // skipCheck: @key is a federation directive that only buildSubgraphSchema knows.
  const schema = await buildSchema({ resolvers, skipCheck: true, validate: false });
  const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}`);

  const resolverMap = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  const mutationScopes = Object.assign({}, ...domains.map((d) => d.mutationScopes)) as Record<string, string>;
  guardFields(resolverMap.Query as FieldResolvers, () => SCOPES.read);
  // Fail closed: a mutation nobody gave a scope needs one no caller has.
  guardFields(resolverMap.Mutation as FieldResolvers, (name) => mutationScopes[name] ?? `unassigned:${name}`);
  for (const domain of domains) {
    for (const [typeName, resolveReference] of Object.entries(domain.references)) {
      // `_entities` runs outside the Query resolvers above: the same read scope applies here.
      const guarded = (reference: unknown, ctx: RequestContext) => {
        requireScope(ctx.caller, SCOPES.read);
        return resolveReference(reference, ctx);
      };
      resolverMap[typeName] = { ...(resolverMap[typeName] as object), __resolveReference: guarded } as never;
    }
  }
  return buildSubgraphSchema([{ typeDefs, resolvers: resolverMap }]);
}

type FieldResolver = (root: unknown, args: unknown, ctx: RequestContext, info: unknown) => unknown;
type FieldResolvers = Record<string, FieldResolver>;

/** Every field of a root type checks the caller's scope before its resolver (and any vendor call) runs. */
function guardFields(fields: FieldResolvers | undefined, scopeOf: (field: string) => string): void {
  for (const [name, resolve] of Object.entries(fields ?? {})) {
    const scope = scopeOf(name);
    fields![name] = (root, args, ctx, info) => {
      requireScope(ctx.caller, scope);
      return resolve(root, args, ctx, info);
    };
  }
}

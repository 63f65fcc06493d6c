import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
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
  for (const domain of domains) {
    for (const [typeName, resolveReference] of Object.entries(domain.references)) {
      resolverMap[typeName] = { ...(resolverMap[typeName] as object), __resolveReference: resolveReference } as never;
    }
  }
  return buildSubgraphSchema([{ typeDefs, resolvers: resolverMap }]);
}

import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { defaultFieldResolver, isObjectType, parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, getMetadataStorage } from 'type-graphql';
import { requireScope, SCOPES } from './auth/caller-auth.js';
import type { DomainSchema, FieldScopes } from './domain.js';
import { fiscalSchema } from './fiscal/index.js';
import { logisticsSchema } from './logistics/index.js';
import { pickupSchema } from './pickup/index.js';
import { printingSchema } from './printing/index.js';
import type { BaseContext } from './request-scope.js';

/** Every domain's part of the schema, in the order the SDL lists them. */
export const DOMAINS: DomainSchema[] = [printingSchema, pickupSchema, logisticsSchema, fiscalSchema];

/** `buildSubgraphSchema`'s resolver map, named without a deep import into the package. */
type SubgraphResolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** Federation's own root fields: the SDL and entity lookups are reads like any query. */
export const FEDERATION_FIELD_SCOPES: FieldScopes = { 'Query._service': SCOPES.read, 'Query._entities': SCOPES.read };

/** Every field that may call a vendor, for MAX_QUERY_COST: the domains' own and each entity lookup. */
export function costlyFieldsOf(domains: DomainSchema[] = DOMAINS): ReadonlySet<string> {
  return new Set(['Query._entities', ...domains.flatMap((d) => d.costlyFields)]);
}

/** type-graphql classes → SDL with directives → Federation 2 subgraph schema, every resolver-backed field guarded. */
export async function buildSubgraph(domains: DomainSchema[] = DOMAINS): Promise<GraphQLSchema> {
  const resolvers = domains.flatMap((d) => d.resolvers) as [Function, ...Function[]];
  // skipCheck: @key is a federation directive that only buildSubgraphSchema knows.
  const schema = await buildSchema({ resolvers, skipCheck: true, validate: false });
  const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}`);

  const resolverMap = createResolversMap(schema) as SubgraphResolvers;
  for (const domain of domains) {
    for (const [typeName, resolveReference] of Object.entries(domain.references)) {
      resolverMap[typeName] = { ...(resolverMap[typeName] as object), __resolveReference: resolveReference } as never;
    }
  }
  const subgraph = buildSubgraphSchema([{ typeDefs, resolvers: resolverMap }]);
  guardFields(subgraph, { ...fieldScopesOf(domains), ...FEDERATION_FIELD_SCOPES }, resolverBackedFields(schema));
  return subgraph;
}

/** Every domain's field scopes as one map (`Type.field` → scope); a field declared twice is a wiring error. */
export function fieldScopesOf(domains: DomainSchema[]): FieldScopes {
  const merged: Record<string, string> = {};
  for (const [coordinate, scope] of domains.flatMap((d) => Object.entries(d.fieldScopes))) {
    if (coordinate in merged) throw new Error(`${coordinate} has its scope declared by two domains`);
    merged[coordinate] = scope;
  }
  return merged;
}

/** Coordinates of the fields with their own resolver: every root field and every type-graphql field resolver. */
export function resolverBackedFields(schema: GraphQLSchema): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  const rootFields = roots.flatMap((type) => (type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : []));
  const storage = getMetadataStorage();
  const fieldResolvers = storage.fieldResolvers.flatMap((resolver) => {
    const target = resolver.getObjectType?.();
    const typeName = storage.objectTypes.find((type) => type.target === target)?.name;
    const type = typeName ? schema.getType(typeName) : undefined;
    // The metadata is global: keep only the resolvers of types this schema has.
    return isObjectType(type) && type.getFields()[resolver.schemaName] ? [`${typeName}.${resolver.schemaName}`] : [];
  });
  return [...new Set([...rootFields, ...fieldResolvers])];
}

type FieldResolver = (root: unknown, args: unknown, ctx: BaseContext | undefined, info: unknown) => unknown;

/**
 * The one authorization guard: the scope is checked where the field resolves, so it holds wherever
 * the field appears (a query, a mutation's payload, `_entities`) and before its resolver (and any
 * vendor or store call) runs. A resolver-backed field with no declared scope is refused to everyone.
 */
function guardFields(schema: GraphQLSchema, scopes: FieldScopes, resolverBacked: string[]): void {
  for (const coordinate of new Set([...Object.keys(scopes), ...resolverBacked])) {
    const [typeName, fieldName] = coordinate.split('.');
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`A scope is declared for ${coordinate}, which the schema does not have`);
    const resolve = (field.resolve ?? defaultFieldResolver) as FieldResolver;
    const scope = scopes[coordinate as keyof FieldScopes];
    // `ctx` is absent only when the schema is executed in-process (serviceSdl at build time).
    field.resolve = ((root, args, ctx, info) => {
      requireScope(ctx?.caller, scope, coordinate);
      return resolve(root, args, ctx, info);
    }) as FieldResolver as never;
  }
}

import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  isObjectType,
  Kind,
  parse,
  visit,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { buildSchema, createResolversMap, getMetadataStorage } from 'type-graphql';
import { requireScope, SCOPES } from '../auth/caller-auth.js';
import { requireAccount } from '../merchants/accounts.js';
import type { DomainSchema, FieldCost, FieldCosts, FieldScopes, ReferenceResolver } from './domain.js';
import type { Vendor } from '../errors/errors.js';
import { fiscalSchema } from '../fiscal/index.js';
import { logisticsSchema } from '../logistics/index.js';
import { pickupSchema } from '../pickup/index.js';
import { printingSchema } from '../printing/index.js';
import type { BaseContext } from '../observability/request-scope.js';

/** Every domain's part of the schema, in the order the SDL lists them. */
export const DOMAINS: DomainSchema[] = [printingSchema, pickupSchema, logisticsSchema, fiscalSchema];

/** `buildSubgraphSchema`'s resolver map, named without a deep import into the package. */
type SubgraphResolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

/** v2.14: the newest Federation version @apollo/subgraph and @apollo/composition 2.14 accept (@cost and @listSize need 2.9). */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.14", import: ["@key", "@requiresScopes", "@cost", "@listSize"])';

/**
 * Federation's own root fields: the SDL and entity lookups are reads like any query. The guard
 * holds them, but they carry no @requiresScopes: buildSubgraphSchema adds them after our type
 * definitions, and the router never exposes them to its clients.
 */
export const FEDERATION_FIELD_SCOPES: FieldScopes = { 'Query._service': SCOPES.read, 'Query._entities': SCOPES.read };

/**
 * type-graphql insists on a PubSub once a schema has subscriptions, but each of our subscription
 * fields brings its own `subscribe` (fed by the store's notifications): topics are never used.
 */
const NO_PUB_SUB = {
  publish: () => {
    throw new Error('subscriptions here have their own subscribe; no topics are published');
  },
  subscribe: () => {
    throw new Error('subscriptions here have their own subscribe; no topics are subscribed to');
  },
};

/** Every domain's field costs as one map (`Type.field` → weight, list size): MAX_QUERY_COST and @cost/@listSize read it. */
export function fieldCostsOf(domains: DomainSchema[] = DOMAINS): FieldCosts {
  return mergeCoordinates(
    domains.map((d) => d.fieldCosts),
    'cost',
  );
}

/** type-graphql classes → SDL with directives → Federation 2 subgraph schema, every resolver-backed field guarded. */
export async function buildSubgraph(domains: DomainSchema[] = DOMAINS): Promise<GraphQLSchema> {
  const resolvers = domains.flatMap((d) => d.resolvers) as [Function, ...Function[]];
  // skipCheck: @key is a federation directive that only buildSubgraphSchema knows.
  const schema = await buildSchema({ resolvers, skipCheck: true, validate: false, pubSub: NO_PUB_SUB });
  const typeDefs = withFieldDirectives(
    parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}`),
    fieldDirectives(fieldScopesOf(domains), fieldCostsOf(domains)),
  );

  const resolverMap = createResolversMap(schema) as SubgraphResolvers;
  for (const domain of domains) {
    for (const [typeName, resolveReference] of Object.entries(domain.references)) {
      const vendor = domain.account.references.includes(typeName) ? domain.account.vendor : undefined;
      const guarded = vendor ? withAccount(vendor, resolveReference) : resolveReference;
      resolverMap[typeName] = { ...(resolverMap[typeName] as object), __resolveReference: guarded } as never;
    }
  }
  const subgraph = buildSubgraphSchema([{ typeDefs, resolvers: resolverMap }]);
  guardFields(subgraph, { ...fieldScopesOf(domains), ...FEDERATION_FIELD_SCOPES }, resolverBackedFields(schema), fieldAccountsOf(domains));
  return subgraph;
}

/** `Type.field` → the vendor whose account the field needs, of every domain; a field declared twice is a wiring error. */
export function fieldAccountsOf(domains: DomainSchema[] = DOMAINS): Readonly<Record<string, Vendor>> {
  return mergeCoordinates(
    domains.map((d) => Object.fromEntries(d.account.fields.map((coordinate) => [coordinate, d.account.vendor]))),
    'account',
  );
}

/** An entity lookup that calls the vendor: the merchant's account is checked before the representation is read. */
function withAccount(vendor: Vendor, resolveReference: ReferenceResolver): ReferenceResolver {
  return (reference, ctx) => {
    const merchant = (ctx as BaseContext | undefined)?.merchant;
    if (merchant) requireAccount(merchant, vendor);
    return resolveReference(reference, ctx);
  };
}

/** Every domain's field scopes as one map (`Type.field` → scope); a field declared twice is a wiring error. */
export function fieldScopesOf(domains: DomainSchema[]): FieldScopes {
  return mergeCoordinates(
    domains.map((d) => d.fieldScopes),
    'scope',
  );
}

function mergeCoordinates<T>(maps: Array<Readonly<Record<string, T>>>, what: string): Readonly<Record<`${string}.${string}`, T>> {
  const merged: Record<string, T> = {};
  for (const [coordinate, value] of maps.flatMap((map) => Object.entries(map))) {
    if (coordinate in merged) throw new Error(`${coordinate} has its ${what} declared by two domains`);
    merged[coordinate] = value;
  }
  return merged;
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const int = (value: number): ConstValueNode => ({ kind: Kind.INT, value: String(value) });
const string = (value: string): ConstValueNode => ({ kind: Kind.STRING, value });
const list = (values: readonly ConstValueNode[]): ConstValueNode => ({ kind: Kind.LIST, values });
const directive = (directiveName: string, args: Record<string, ConstValueNode | undefined>): ConstDirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: name(directiveName),
  arguments: Object.entries(args).flatMap(([argName, value]) => (value ? [{ kind: Kind.ARGUMENT, name: name(argName), value }] : [])),
});

/**
 * The router's directives for each coordinate, from the maps the guard and MAX_QUERY_COST use:
 * `@requiresScopes` with the scope the guard checks, `@cost`/`@listSize` with the weights counted.
 */
export function fieldDirectives(scopes: FieldScopes, costs: FieldCosts): Map<string, ConstDirectiveNode[]> {
  const directives = new Map<string, ConstDirectiveNode[]>();
  const add = (coordinate: string, node: ConstDirectiveNode) => directives.set(coordinate, [...(directives.get(coordinate) ?? []), node]);
  for (const [coordinate, scope] of Object.entries(scopes))
    add(coordinate, directive('requiresScopes', { scopes: list([list([string(scope)])]) }));
  for (const [coordinate, cost] of Object.entries(costs) as Array<[string, FieldCost]>) {
    if (cost.weight !== undefined) add(coordinate, directive('cost', { weight: int(cost.weight) }));
    if (cost.assumedSize !== undefined || cost.slicingArguments) {
      const slicingArguments = cost.slicingArguments && list(cost.slicingArguments.map(string));
      const assumedSize = cost.assumedSize === undefined ? undefined : int(cost.assumedSize);
      add(coordinate, directive('listSize', { assumedSize, slicingArguments }));
    }
  }
  return directives;
}

/** Appends each coordinate's directives to its field definition; a coordinate the type definitions lack is a wiring error. */
function withFieldDirectives(typeDefs: DocumentNode, directives: Map<string, ConstDirectiveNode[]>): DocumentNode {
  const pending = new Set(directives.keys());
  const withDirectives = visit(typeDefs, {
    ObjectTypeDefinition: (type: ObjectTypeDefinitionNode) => ({
      ...type,
      fields: type.fields?.map((field: FieldDefinitionNode) => {
        const coordinate = `${type.name.value}.${field.name.value}`;
        pending.delete(coordinate);
        const added = directives.get(coordinate);
        return added ? { ...field, directives: [...(field.directives ?? []), ...added] } : field;
      }),
    }),
  });
  if (pending.size > 0) throw new Error(`Directives are declared for ${[...pending].join(', ')}, which the schema does not have`);
  return withDirectives;
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
 * Then, for a field that calls a vendor, the merchant's account with it: VENDOR_NOT_CONFIGURED
 * before any rule of the resolver's own (input, default login) can answer instead.
 */
function guardFields(
  schema: GraphQLSchema,
  scopes: FieldScopes,
  resolverBacked: string[],
  accounts: Readonly<Record<string, Vendor>>,
): void {
  const missing = Object.keys(accounts).filter((coordinate) => !(coordinate in scopes) && !resolverBacked.includes(coordinate));
  if (missing.length > 0) throw new Error(`An account is declared for ${missing.join(', ')}, which has no resolver or scope`);
  for (const coordinate of new Set([...Object.keys(scopes), ...resolverBacked])) {
    const [typeName, fieldName] = coordinate.split('.');
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`A scope is declared for ${coordinate}, which the schema does not have`);
    const resolve = (field.resolve ?? defaultFieldResolver) as FieldResolver;
    const scope = scopes[coordinate as keyof FieldScopes];
    const vendor = accounts[coordinate];
    // `ctx` is absent only when the schema is executed in-process (serviceSdl at build time).
    const check = (ctx: BaseContext | undefined) => {
      requireScope(ctx?.caller, scope, coordinate);
      if (vendor && ctx?.merchant) requireAccount(ctx.merchant, vendor);
    };
    field.resolve = ((root, args, ctx, info) => {
      check(ctx);
      return resolve(root, args, ctx, info);
    }) as FieldResolver as never;
    // A subscription's source stream reads before any event resolves: it is held by the same checks.
    const subscribe = field.subscribe as FieldResolver | undefined;
    if (subscribe) {
      field.subscribe = ((root, args, ctx, info) => {
        check(ctx);
        return subscribe(root, args, ctx, info);
      }) as FieldResolver as never;
    }
  }
}

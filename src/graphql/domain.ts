import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NonEmptyArray } from 'type-graphql';
import type { Vendor } from '../errors/errors.js';
import type { BaseContext } from '../observability/request-scope.js';

/**
 * The vendor a domain calls, and what calls it: each field (`Type.field`) and entity type (its
 * `__resolveReference`) that reaches the vendor needs the request's merchant to have an account
 * with it. Checked where the field resolves, after its scope and before its resolver: a merchant
 * without the account gets VENDOR_NOT_CONFIGURED before any input rule, default login or call.
 * Reads of this service's own records (documents, cancelled orders, known codes) need no account.
 */
export interface VendorAccountUse {
  vendor: Vendor;
  fields: ReadonlyArray<`${string}.${string}`>;
  references: readonly string[];
}

/** Schema coordinate (`Type.field`) → the caller scope the field needs. */
export type FieldScopes = Readonly<Record<`${string}.${string}`, string>>;

/** Demand-control weights: a vendor call costs more than a read of this service's own store. */
export const COST = { vendorCall: 10, storedRead: 1 } as const;

/**
 * A field's demand-control figures, published as `@cost(weight:)` and `@listSize(assumedSize:,
 * slicingArguments:)` (IBM's cost spec, as Apollo Router reads it) and enforced by MAX_QUERY_COST.
 * Without a weight, a field costs what the router gives it: 1 for an object, 0 for a scalar.
 */
export interface FieldCost {
  weight?: number;
  /** Items a list is assumed to hold; with slicingArguments, used when the argument is a variable. */
  assumedSize?: number;
  /** Arguments that bound the list's length (e.g. `limit`): their value is the size. */
  slicingArguments?: readonly string[];
}

/** Schema coordinate (`Type.field`) → its demand-control figures. */
export type FieldCosts = Readonly<Record<`${string}.${string}`, FieldCost>>;

/**
 * `__resolveReference` of an entity type. The representation comes from the router and is
 * untrusted, hence `unknown`; `ctx` is the request context (each domain names its own slice).
 */
export type ReferenceResolver = (reference: unknown, ctx: never) => unknown;

/**
 * How long the router may cache an answer holding a type or a field: `status` for live state
 * (CACHE_MAX_AGE_STATUS), `final` for what can no longer change (CACHE_MAX_AGE_FINAL), `none`
 * for never. With `finalWhen`, a value whose `field` holds one of `values` counts as `final`
 * (read from the answer, when the query selects that field).
 */
export interface CacheHint {
  maxAge: 'none' | 'status' | 'final';
  finalWhen?: { field: string; values: readonly string[] };
}

/** Type name or `Type.field` → its cache hint; a field's own hint wins over its type's. */
export type CacheHints = Readonly<Record<string, CacheHint>>;

/** An extra endpoint (e.g. a vendor callback) served beside GraphQL. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void>;
}

/** What a domain folder contributes to the schema: known without starting anything (`npm run schema`). */
export interface DomainSchema {
  resolvers: NonEmptyArray<Function>;
  /** Entity type name → `__resolveReference`, which runs outside type-graphql. */
  references: Record<string, ReferenceResolver>;
  /**
   * Cache hints of the types this domain answers queries with (and of fields that change more
   * often than their type). A type or root field without one is never cached.
   */
  cacheHints: CacheHints;
  /**
   * The scope of every field with its own resolver: each root field (Query, Mutation) and each
   * @FieldResolver, i.e. everything that reaches a vendor or the store. Checked wherever the field
   * appears (a query, a mutation's payload, `_entities`) before its resolver runs. A
   * resolver-backed field missing here is refused to every caller.
   */
  fieldScopes: FieldScopes;
  /** Where the merchant's account with this domain's vendor is required (see VendorAccountUse). */
  account: VendorAccountUse;
  /**
   * Every field that calls a vendor (COST.vendorCall) or reads the store (COST.storedRead), and
   * each list's assumed size: published as @cost/@listSize and counted by MAX_QUERY_COST alike.
   */
  fieldCosts: FieldCosts;
}

/**
 * A running domain: its schema part plus what it built from the configuration (vendor client,
 * store services). The server knows nothing else of it.
 */
export interface Domain<Slice extends object = object> extends DomainSchema {
  /** For the start-up summary, e.g. `printing`. */
  readonly name: string;
  /** This domain's part of each request's context: its merchant's clients, and loaders that call the vendor for it. */
  context(base: BaseContext): Slice;
  /** Endpoints beside GraphQL (vendor callbacks). */
  routes?: HttpRoute[];
  /** Background work (the fiscal outbox worker), started once the server listens. */
  start?(): void;
  /** Lets background work finish; runs before the store closes. */
  stop?(): Promise<void>;
  /** What the start-up summary line says of this domain. */
  summary?: Record<string, unknown>;
}

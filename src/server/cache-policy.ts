import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CacheHint, CacheHints } from '../graphql/domain.js';

export interface CachePolicyOptions {
  /** Every domain's hints; a type declared twice is a wiring error. */
  hints: readonly CacheHints[];
  /** Seconds for each hint class (CACHE_MAX_AGE_STATUS, CACHE_MAX_AGE_FINAL). */
  maxAge: { status: number; final: number };
}

/** One step from an answer's object to the values below it: a response key, or only the objects of one type. */
type Step = { key: string } | { typename: string; typenameKey: string };

/** Where the answer holds values of a type whose state can make them final (`finalWhen`). */
interface FinalSite {
  steps: Step[];
  /** The response key of the field `finalWhen` reads. */
  stateKey: string;
  finalValues: ReadonlySet<unknown>;
  /** Seconds while not final (or not found), and once final. */
  base: number;
  final: number;
}

/** What one selection set contributes; `Infinity` = nothing restricts it. */
interface Summary {
  maxAge: number;
  sites: FinalSite[];
  /** Response keys of the plain fields selected directly (`status` → `status` or its alias). */
  keys: Map<string, string>;
  typenameKey?: string;
  /** Concrete types entered by a fragment, under an abstract type (`_entities`' `... on Printer`). */
  typeConditions: number;
}

const NEVER: CacheHint = { maxAge: 'none' };
/** Beyond this many sites per operation the answer is not read: each site counts as not final. */
const MAX_SITES = 32;

/**
 * The cache policy of an operation, decided once per parsed document from its root fields and
 * the types (and hinted fields) it selects, like Apollo's per-field plugin but without running
 * anything per field: Apollo caches the parsed document, so the operation node is a stable key.
 * The answer is read only where a type's state makes a value final (a PROCESSED fiscal document).
 */
export class CachePolicies {
  private readonly hints = new Map<string, CacheHint>();
  private readonly byOperation = new WeakMap<OperationDefinitionNode, { maxAge: number; sites: FinalSite[] }>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: CachePolicyOptions,
  ) {
    for (const [name, hint] of options.hints.flatMap((hints) => Object.entries(hints))) {
      if (this.hints.has(name)) throw new Error(`${name} has its cache hint declared by two domains`);
      this.hints.set(name, hint);
    }
  }

  /** Seconds this answer may be cached; 0 = not at all (mutations, and anything unhinted). */
  maxAge(document: DocumentNode, operation: OperationDefinitionNode, data: unknown): number {
    if (operation.operation !== 'query') return 0;
    let policy = this.byOperation.get(operation);
    if (!policy) {
      policy = this.analyse(document, operation);
      this.byOperation.set(operation, policy);
    }
    let maxAge = policy.maxAge;
    for (const site of policy.sites) maxAge = Math.min(maxAge, isFinal(site, data) ? site.final : site.base);
    return Number.isFinite(maxAge) ? maxAge : 0;
  }

  private analyse(document: DocumentNode, operation: OperationDefinitionNode): { maxAge: number; sites: FinalSite[] } {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const walk = new DocumentWalk(this.schema, this.hints, this.options.maxAge, fragments);
    const summary = walk.selectionSet(operation.selectionSet, this.schema.getQueryType()!);
    return { maxAge: summary.maxAge, sites: summary.sites };
  }
}

/** One pass over an operation; each fragment is summarised once however often it is spread. */
class DocumentWalk {
  private readonly fragmentSummaries = new Map<string, Summary>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly hints: ReadonlyMap<string, CacheHint>,
    private readonly seconds: { status: number; final: number },
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLCompositeType): Summary {
    const summary: Summary = { maxAge: Infinity, sites: [], keys: new Map(), typeConditions: 0 };
    const root = parent === this.schema.getQueryType();
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.name.value !== '__typename') continue;
      summary.typenameKey ??= selection.alias?.value ?? '__typename';
    }
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const key = selection.alias?.value ?? name;
        if (name === '__typename') continue;
        const field = 'getFields' in parent ? parent.getFields()[name] : undefined;
        // `__schema` and `__type`: introspection is for tools, never cached.
        if (!field) {
          summary.maxAge = 0;
          continue;
        }
        if (!summary.keys.has(name) && !selection.arguments?.length) summary.keys.set(name, key);
        const type = getNamedType(field.type);
        const child = selection.selectionSet ? this.selectionSet(selection.selectionSet, type as GraphQLCompositeType) : undefined;
        const own = this.hints.get(`${parent.name}.${name}`);
        if (own) this.restrict(summary, own, [{ key }], child);
        else if (isObjectType(type)) this.restrict(summary, this.hints.get(type.name) ?? NEVER, [{ key }], child);
        // An abstract type (`_entities`) is as cacheable as the types its fragments ask for; none named: never.
        else if (isAbstractType(type) && !child?.typeConditions) summary.maxAge = 0;
        else if (root && !isAbstractType(type)) summary.maxAge = 0;
        if (child) this.merge(summary, child, [{ key }]);
        continue;
      }
      let type: GraphQLCompositeType;
      let body: Summary;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const definition = this.fragments.get(selection.name.value);
        if (!definition) continue;
        type = this.schema.getType(definition.typeCondition.name.value) as GraphQLCompositeType;
        body = this.fragmentSummaries.get(definition.name.value) ?? this.fragmentSummary(definition, type);
      } else {
        const typeName = selection.typeCondition?.name.value;
        type = typeName ? (this.schema.getType(typeName) as GraphQLCompositeType) : parent;
        body = this.selectionSet(selection.selectionSet, type);
      }
      if (isObjectType(type) && isAbstractType(parent)) {
        summary.typeConditions += 1;
        const typenameKey = body.typenameKey ?? summary.typenameKey;
        // Without `__typename` in the answer the objects of this type cannot be told apart.
        const steps: Step[] | undefined = typenameKey ? [{ typename: type.name, typenameKey }] : undefined;
        this.restrict(summary, this.hints.get(type.name) ?? NEVER, steps, body);
        this.merge(summary, body, steps);
      } else {
        for (const [name, key] of body.keys) if (!summary.keys.has(name)) summary.keys.set(name, key);
        summary.typenameKey ??= body.typenameKey;
        summary.typeConditions += body.typeConditions;
        this.merge(summary, body, []);
      }
    }
    return summary;
  }

  private fragmentSummary(definition: FragmentDefinitionNode, type: GraphQLCompositeType): Summary {
    const summary = this.selectionSet(definition.selectionSet, type);
    this.fragmentSummaries.set(definition.name.value, summary);
    return summary;
  }

  /** A hinted value at `steps`: its class, or a site when its state (selected in `child`) can make it final. */
  private restrict(summary: Summary, hint: CacheHint, steps: Step[] | undefined, child: Summary | undefined): void {
    const base = this.secondsOf(hint.maxAge);
    const stateKey = hint.finalWhen && child?.keys.get(hint.finalWhen.field);
    if (!hint.finalWhen || !stateKey || !steps || summary.sites.length >= MAX_SITES) {
      summary.maxAge = Math.min(summary.maxAge, base);
      return;
    }
    summary.sites.push({ steps, stateKey, finalValues: new Set(hint.finalWhen.values), base, final: this.seconds.final });
  }

  /** `child`'s restrictions, its sites now reached through `steps` (none: they count as not final). */
  private merge(summary: Summary, child: Summary, steps: Step[] | undefined): void {
    summary.maxAge = Math.min(summary.maxAge, child.maxAge);
    for (const site of child.sites) {
      if (!steps || summary.sites.length >= MAX_SITES) summary.maxAge = Math.min(summary.maxAge, site.base);
      else summary.sites.push({ ...site, steps: [...steps, ...site.steps] });
    }
  }

  private secondsOf(maxAge: CacheHint['maxAge']): number {
    return maxAge === 'none' ? 0 : this.seconds[maxAge];
  }
}

/** Every value at the site is there (no null) and in a final state; at least one. */
function isFinal(site: FinalSite, data: unknown): boolean {
  let values: unknown[] = [data];
  for (const step of site.steps) {
    const next: unknown[] = [];
    const visit = (value: unknown): boolean => {
      if (Array.isArray(value)) return value.every(visit);
      // null: not found (it may exist later) or an error; either way not final.
      if (value === null || typeof value !== 'object') return false;
      const object = value as Record<string, unknown>;
      if ('key' in step) {
        if (step.key in object) next.push(object[step.key]);
      } else if (object[step.typenameKey] === step.typename) next.push(object);
      return true;
    };
    if (!values.every(visit)) return false;
    values = next;
  }
  const objects: unknown[] = [];
  const flatten = (value: unknown): boolean =>
    Array.isArray(value) ? value.every(flatten) : value !== null && typeof value === 'object' && (objects.push(value), true);
  if (!values.every(flatten) || objects.length === 0) return false;
  return objects.every((object) => site.finalValues.has((object as Record<string, unknown>)[site.stateKey]));
}

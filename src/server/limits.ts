import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isListType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
  type ValidationRule,
} from 'graphql';
import type { FieldCost, FieldCosts } from '../graphql/domain.js';

export interface QueryLimits {
  maxDepth: number;
  /**
   * The most a request may cost, counted as Apollo Router's demand control counts a document
   * (static estimate): a query refused here is refused before execution, so before any vendor call.
   */
  maxCost: number;
  /** The domains' field costs: the same figures the schema publishes as @cost and @listSize. */
  fieldCosts: FieldCosts;
  /** Items assumed for a list without @listSize (here only `_entities`): the router's `list_size`. */
  listSize?: number;
}

/** Items assumed in a list without @listSize: only `_entities`, whose batch size no document states. */
export const DEFAULT_LIST_SIZE = 5;
/** Apollo Router's base cost of a mutation operation (queries cost nothing of their own). */
const MUTATION_COST = 10;

/** Caps on the walk itself, whatever MAX_QUERY_DEPTH/COST say, so no document makes validation slow or overflow the stack. */
const WALK_LIMITS = { selections: 10_000, nesting: 200 } as const;
/** Costs stop growing here: fragments that double at every level never reach Infinity or NaN. */
const COST_CEILING = 1_000_000;

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', retryable: false } });
const addCost = (a: number, b: number) => Math.min(a + b, COST_CEILING);
const multiplyCost = (a: number, b: number) => Math.min(a * b, COST_CEILING);

/** `@skip(if: true)` or `@include(if: false)` written in the document: the router counts such a field as 0. */
const skipped = (field: FieldNode) =>
  field.directives?.some(
    (d) =>
      (d.name.value === 'skip' || d.name.value === 'include') &&
      d.arguments?.some((a) => a.name.value === 'if' && a.value.kind === Kind.BOOLEAN && a.value.value === (d.name.value === 'skip')),
  ) ?? false;

/**
 * What an argument adds, as the router scores it: an input object 1 plus its fields, a list the sum
 * of its items, anything else 0. A variable of an input-object type is assumed given (1).
 */
function argumentCost(value: ValueNode, type: GraphQLInputType): number {
  const named = getNamedType(type);
  if (value.kind === Kind.LIST) return value.values.reduce((sum, item) => addCost(sum, argumentCost(item, type)), 0);
  if (!isInputObjectType(named)) return 0;
  if (value.kind === Kind.VARIABLE) return 1;
  if (value.kind !== Kind.OBJECT) return 0;
  const fields = named.getFields();
  return value.fields.reduce((sum, field) => {
    const definition = fields[field.name.value];
    return definition ? addCost(sum, argumentCost(field.value, definition.type)) : sum;
  }, 1);
}

/** Levels below a selection set, and its cost, fragments expanded. */
interface Measure {
  depth: number;
  cost: number;
}
const NOTHING: Measure = { depth: 0, cost: 0 };

/**
 * Measures the operations of one document. Each fragment is walked once and its measure
 * reused at every spread, so time grows with the document's size, not with what it expands
 * to. A fragment's measure depends only on its own type condition, which makes it reusable.
 *
 * The cost is Apollo Router's static estimate (demand control, IBM's cost spec): a field costs
 * its @cost weight, else 1 for an object, interface or union and 0 for a scalar or enum; plus its
 * selections; a list multiplies that by its size (the slicing argument's value, else @listSize's
 * assumedSize, else `listSize`); arguments add their input objects; a mutation adds 10.
 *
 * Introspection costs nothing: a field returning an introspection type adds no level, and
 * `__typename` and introspection fields no cost. Real fields cannot hide below `__schema`: only
 * introspection types live there (other rules refuse any other fragment), and a real field would
 * still count.
 */
class DocumentMeasure {
  /** Set when the document is bigger than WALK_LIMITS allow; the measures are then meaningless. */
  overBudget = false;
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly measured = new Map<string, Measure>();
  private readonly walking = new Set<string>();
  private selections = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly fieldCosts: FieldCosts,
    private readonly listSize: number,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === 'FragmentDefinition') this.fragments.set(definition.name.value, definition);
    }
  }

  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, nesting = 0): Measure {
    if (this.overBudget || nesting > WALK_LIMITS.nesting) return this.exhausted();
    let depth = 0;
    let cost = 0;
    const merge = (inner: Measure, levels: number) => {
      depth = Math.max(depth, inner.depth + levels);
      cost = addCost(cost, inner.cost);
    };
    for (const selection of selectionSet.selections) {
      if ((this.selections += 1) > WALK_LIMITS.selections) return this.exhausted();
      if (selection.kind === 'Field') {
        const name = selection.name.value;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        const type = field ? getNamedType(field.type) : undefined;
        const inner = selection.selectionSet ? this.selectionSet(selection.selectionSet, type, nesting + 1) : NOTHING;
        // Introspection (and a field the schema lacks, which validation refuses) adds only what hides below it.
        const introspection = !field || !parent || name.startsWith('__') || isIntrospectionType(parent);
        const levels = type && isIntrospectionType(type) ? 0 : 1;
        if (selection.selectionSet) depth = Math.max(depth, inner.depth + levels);
        if (skipped(selection)) continue;
        cost = addCost(cost, introspection ? inner.cost : this.fieldCost(field, `${parent.name}.${name}`, selection, inner.cost));
      } else if (selection.kind === 'InlineFragment') {
        const type = selection.typeCondition ? (this.schema.getType(selection.typeCondition.name.value) ?? parent) : parent;
        merge(this.selectionSet(selection.selectionSet, type && !isAbstractType(type) ? type : parent, nesting + 1), 0);
      } else {
        merge(this.fragment(selection.name.value, nesting + 1), 0);
      }
    }
    return { depth, cost };
  }

  private fragment(name: string, nesting: number): Measure {
    const known = this.measured.get(name);
    if (known) return known;
    const fragment = this.fragments.get(name);
    // Unknown fragments and cycles are other rules' errors; here they measure nothing.
    if (!fragment || this.walking.has(name)) return NOTHING;
    this.walking.add(name);
    const measure = this.selectionSet(fragment.selectionSet, this.schema.getType(fragment.typeCondition.name.value) ?? undefined, nesting);
    this.walking.delete(name);
    this.measured.set(name, measure);
    return measure;
  }

  /** One occurrence of a field: (its weight + its selections) × its list size + its arguments. */
  private fieldCost(field: GraphQLField<unknown, unknown>, coordinate: string, selection: FieldNode, selections: number): number {
    const figures = this.fieldCosts[coordinate as keyof FieldCosts];
    const weight = figures?.weight ?? (isCompositeType(getNamedType(field.type)) ? 1 : 0);
    const count = isListType(getNullableType(field.type)) ? this.listLength(field, selection, figures) : 1;
    let cost = multiplyCost(count, addCost(weight, selections));
    for (const argument of selection.arguments ?? []) {
      const definition = field.args.find((arg) => arg.name === argument.name.value);
      if (definition) cost = addCost(cost, argumentCost(argument.value, definition.type));
    }
    return cost;
  }

  /**
   * The router's list size: the largest slicing argument (its default, replaced by the value the
   * document gives), else assumedSize, else `listSize`. Variables are not known when a document is
   * validated, so a slicing argument given as a variable counts as assumedSize, the most it may be.
   */
  private listLength(field: GraphQLField<unknown, unknown>, selection: FieldNode, figures: FieldCost | undefined): number {
    const sizes = (figures?.slicingArguments ?? []).flatMap((slicing) => {
      const given = selection.arguments?.find((argument) => argument.name.value === slicing)?.value;
      if (given?.kind === Kind.INT) return [Number(given.value)];
      if (given?.kind === Kind.VARIABLE && figures?.assumedSize !== undefined) return [figures.assumedSize];
      const fallback = field.args.find((arg) => arg.name === slicing)?.defaultValue;
      return typeof fallback === 'number' ? [fallback] : [];
    });
    return sizes.length > 0 ? Math.max(...sizes) : (figures?.assumedSize ?? this.listSize);
  }

  private exhausted(): Measure {
    this.overBudget = true;
    return NOTHING;
  }
}

const TOO_LARGE =
  `The query is too large to accept: over ${WALK_LIMITS.selections} selections ` +
  `or ${WALK_LIMITS.nesting} nested selections and fragments`;

/** The refusals for one operation's measure: none when it is within the limits. */
function refusals(measure: Measure, limits: QueryLimits): string[] {
  const messages: string[] = [];
  const depth = measure.depth + 1;
  if (depth > limits.maxDepth) messages.push(`The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed`);
  if (measure.cost > limits.maxCost) {
    const asked = measure.cost >= COST_CEILING ? `at least ${COST_CEILING}` : String(measure.cost);
    messages.push(`The query's estimated cost is ${asked}; at most ${limits.maxCost} is allowed per request (see @cost and @listSize)`);
  }
  return messages;
}

export function limitRules(limits: QueryLimits): ValidationRule[] {
  const rule: ValidationRule = (context): ASTVisitor => {
    const schema = context.getSchema();
    const document = new DocumentMeasure(schema, context.getDocument(), limits.fieldCosts, limits.listSize ?? DEFAULT_LIST_SIZE);
    const roots = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() };
    let refusedAsTooLarge = false;
    return {
      OperationDefinition(operation) {
        const fields = document.selectionSet(operation.selectionSet, roots[operation.operation] ?? undefined);
        const measure = operation.operation === 'mutation' ? { ...fields, cost: addCost(fields.cost, MUTATION_COST) } : fields;
        // Once over budget the measures mean nothing, and one refusal per document is enough.
        const messages = document.overBudget ? (refusedAsTooLarge ? [] : [TOO_LARGE]) : refusals(measure, limits);
        refusedAsTooLarge ||= document.overBudget;
        for (const message of messages) context.reportError(limitError(message));
      },
    };
  };
  return [rule];
}

import {
  GraphQLError,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /**
   * Fields whose resolution may call a vendor (`Type.field`, from the domains): each occurrence
   * (every alias) costs one, and so does every mutation. A query over budget is refused before
   * execution, so before any vendor call.
   */
  costlyFields: ReadonlySet<string>;
}

/** Caps on the walk itself, whatever MAX_QUERY_DEPTH/COST say, so no document makes validation slow or overflow the stack. */
const WALK_LIMITS = { selections: 10_000, nesting: 200 } as const;
/** Costs stop growing here: fragments that double at every level never reach Infinity or NaN. */
const COST_CEILING = 1_000_000;

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', retryable: false } });
const addCost = (a: number, b: number) => Math.min(a + b, COST_CEILING);

/** Levels below a selection set, and the vendor-backed fields in it, fragments expanded. */
interface Measure {
  depth: number;
  cost: number;
}
const NOTHING: Measure = { depth: 0, cost: 0 };

/**
 * Measures the operations of one document. Each fragment is walked once and its measure
 * reused at every spread, so time grows with the document's size, not with what it expands
 * to. A fragment's measure depends only on its own type condition, which makes it reusable.
 * Introspection costs nothing: a field returning an introspection type adds no level, and
 * `__typename` no cost. Real fields cannot hide below `__schema`: only introspection types
 * live there (other rules refuse any other fragment), and a real field would still count.
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
    private readonly costlyFields: ReadonlySet<string>,
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
        if (parent && this.costs(parent, name)) cost = addCost(cost, 1);
        const levels = type && isIntrospectionType(type) ? 0 : 1;
        if (selection.selectionSet) merge(this.selectionSet(selection.selectionSet, type, nesting + 1), levels);
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

  private costs(parent: GraphQLNamedType, field: string): boolean {
    if (field.startsWith('__')) return false;
    return parent === this.schema.getMutationType() || this.costlyFields.has(`${parent.name}.${field}`);
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
    messages.push(`The query asks for ${asked} vendor-backed fields; at most ${limits.maxCost} are allowed per request`);
  }
  return messages;
}

export function limitRules(limits: QueryLimits): ValidationRule[] {
  const rule: ValidationRule = (context): ASTVisitor => {
    const schema = context.getSchema();
    const document = new DocumentMeasure(schema, context.getDocument(), limits.costlyFields);
    const roots = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() };
    let refusedAsTooLarge = false;
    return {
      OperationDefinition(operation) {
        const measure = document.selectionSet(operation.selectionSet, roots[operation.operation] ?? undefined);
        // Once over budget the measures mean nothing, and one refusal per document is enough.
        const messages = document.overBudget ? (refusedAsTooLarge ? [] : [TOO_LARGE]) : refusals(measure, limits);
        refusedAsTooLarge ||= document.overBudget;
        for (const message of messages) context.reportError(limitError(message));
      },
    };
  };
  return [rule];
}

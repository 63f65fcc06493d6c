import {
  GraphQLError,
  getNamedType,
  isAbstractType,
  isObjectType,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Fields whose resolution may call a vendor: each occurrence (every alias) costs one. The
 * mutations and `_entities` also count. A query over budget is refused before execution,
 * so before any vendor call.
 */
const VENDOR_BACKED = new Set([
  'Query.printer',
  'Query.printMessage',
  'Query._entities',
  'Machine.pickupCodes',
  'PrintMessage.status',
  'PrintMessage.printedAt',
  'PrintMessage.createdAt',
]);

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', retryable: false } });

interface Walk {
  depth: number;
  cost: number;
}

/** Depth and vendor cost of an operation, with fragments expanded (cycles are another rule's error). */
function measure(context: ValidationContext, schema: GraphQLSchema, selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, depth: number, seen: Set<string>): Walk {
  let result: Walk = { depth, cost: 0 };
  const fragments = new Map(context.getDocument().definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((d) => [d.name.value, d]));
  const merge = (inner: Walk) => {
    result = { depth: Math.max(result.depth, inner.depth), cost: result.cost + inner.cost };
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      const name = selection.name.value;
      const typeName = parent?.name;
      if (typeName && (VENDOR_BACKED.has(`${typeName}.${name}`) || typeName === 'Mutation')) result.cost += 1;
      const field = parent && isObjectType(parent) ? parent.getFields()[name] : undefined;
      const fieldType = field ? getNamedType(field.type) : undefined;
      if (selection.selectionSet) merge(measure(context, schema, selection.selectionSet, fieldType, depth + 1, seen));
    } else if (selection.kind === 'InlineFragment') {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) ?? parent : parent;
      merge(measure(context, schema, selection.selectionSet, type && !isAbstractType(type) ? type : parent, depth, seen));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      const type = schema.getType(fragment.typeCondition.name.value);
      merge(measure(context, schema, fragment.selectionSet, type ?? parent, depth, new Set([...seen, fragment.name.value])));
    }
  }
  return result;
}

export function limitRules(limits: { maxDepth: number; maxCost: number }): ValidationRule[] {
  const rule: ValidationRule = (context): ASTVisitor => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
      const { depth, cost } = measure(context, schema, operation.selectionSet, root ?? undefined, 1, new Set());
      if (depth > limits.maxDepth) context.reportError(limitError(`The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed`));
      if (cost > limits.maxCost) {
        context.reportError(limitError(`The query asks for ${cost} vendor-backed fields; at most ${limits.maxCost} are allowed per request`));
      }
    },
  });
  return [rule];
}

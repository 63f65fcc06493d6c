import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIST_SIZE } from '../../src/server/limits.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * Apollo Router's static cost of one operation, written again from its documented algorithm and
 * reading nothing but the SDL's @cost and @listSize: every fragment expanded, no reuse, no ceiling.
 */
function routerCost(schema: GraphQLSchema, document: DocumentNode): number {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const argument = (directive: ConstDirectiveNode | undefined, name: string) =>
    directive?.arguments?.find((a) => a.name.value === name)?.value;
  const selections = (set: SelectionSetNode | undefined, parent: GraphQLNamedType): number =>
    (set?.selections ?? []).reduce((sum, selection) => {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        return (
          sum + selections(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value)! : parent)
        );
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value)!;
        return sum + selections(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value)!);
      }
      const skip = selection.directives?.find((d) => d.name.value === 'skip')?.arguments?.[0]?.value;
      const include = selection.directives?.find((d) => d.name.value === 'include')?.arguments?.[0]?.value;
      if (
        selection.name.value === '__typename' ||
        (skip?.kind === Kind.BOOLEAN && skip.value) ||
        (include?.kind === Kind.BOOLEAN && !include.value)
      )
        return sum;
      const field = isObjectType(parent) ? parent.getFields()[selection.name.value]! : undefined;
      if (!field) throw new Error(`no field ${selection.name.value} on ${parent.name}`);
      const directives = field.astNode?.directives ?? [];
      const cost = directives.find((d) => d.name.value === 'cost');
      const listSize = directives.find((d) => d.name.value === 'listSize');
      const type = getNamedType(field.type);
      const weight = cost ? Number((argument(cost, 'weight') as { value: string }).value) : isCompositeType(type) ? 1 : 0;
      let size = 1;
      if (isListType(getNullableType(field.type))) {
        const slicing = argument(listSize, 'slicingArguments');
        const slicingNames = slicing?.kind === Kind.LIST ? slicing.values.map((v) => (v as { value: string }).value) : [];
        const sizes = slicingNames.flatMap((name) => {
          const given = selection.arguments?.find((a) => a.name.value === name)?.value;
          if (given?.kind === Kind.INT) return [Number(given.value)];
          const fallback = field.args.find((a) => a.name === name)?.defaultValue;
          return typeof fallback === 'number' ? [fallback] : [];
        });
        const assumed = argument(listSize, 'assumedSize');
        size = sizes.length ? Math.max(...sizes) : assumed?.kind === Kind.INT ? Number(assumed.value) : DEFAULT_LIST_SIZE;
      }
      // An input object argument (literal or variable) adds 1; our input objects hold no other input object.
      const args = (selection.arguments ?? []).filter((a) => {
        const definition = field.args.find((d) => d.name === a.name.value);
        return (
          definition && getNamedType(definition.type).astNode?.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && a.value.kind !== Kind.NULL
        );
      }).length;
      return sum + size * (weight + selections(selection.selectionSet, type)) + args;
    }, 0);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  const root = operation.operation === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
  return (operation.operation === 'mutation' ? 10 : 0) + selections(operation.selectionSet, root);
}

const DOCUMENTS: Array<[string, string, number]> = [
  ['a printer', '{ printer(deviceNo: "1") { deviceNo status paperStatus } }', 10],
  ['a message and its Feyin fields', '{ printMessage(msgNo: "1") { msgNo status printedAt createdAt } }', 40],
  ['pickup codes (a vendor list)', '{ machine(machineNo: "10000001") { pickupCodes(productId: "501") { id machine { machineNo } } } }', 34],
  [
    'an entity batch with a sliced list',
    'query($r: [_Any!]!) { _entities(representations: $r) { ' +
      '... on FiscalRegister { documents(limit: 7) { extId notification register { serial } } } ... on Printer { status } } }',
    110,
  ],
  [
    'fragments, an alias and a skipped field',
    '{ a: printer(deviceNo: "1") { ...P } b: printer(deviceNo: "2") @skip(if: true) { status } c: fiscalDocument(extId: "x") { ...D } } ' +
      'fragment P on Printer { status } fragment D on FiscalDocument { register { documents { extId } } }',
    10 + 1 + 1 + 50,
  ],
  [
    'a mutation with an input object and a default-sized list',
    'mutation { printXReport(input: { targetSerial: "1", test: true }) { document { notification register { documents { extId } } } } }',
    10 + 10 + 1 + 1 + 1 + 1 + 50,
  ],
];

describe('MAX_QUERY_COST counts what the router computes from the published @cost and @listSize', () => {
  let t: TestService;
  let schema: GraphQLSchema;
  beforeAll(async () => {
    // A budget of 1 refuses each document below, and the refusal states the subgraph's own figure.
    t = await startTestService({ env: { MAX_QUERY_COST: '1' } });
    const answer = await t.gql<{ _service: { sdl: string } }, Record<string, never>>('{ _service { sdl } }');
    schema = buildASTSchema(parse(answer.data!._service.sdl), { assumeValid: true, assumeValidSDL: true });
  });
  afterAll(() => t.stop());

  it.each(DOCUMENTS)('%s', async (_what, query, expected) => {
    const answer = await t.gql(query, { r: [] } as never);
    expect(answer.status).toBe(400);
    const subgraph = Number(/estimated cost is (\d+);/.exec(answer.errors?.[0]?.message ?? '')?.[1]);
    expect({ subgraph, router: routerCost(schema, parse(query)) }).toEqual({ subgraph: expected, router: expected });
    expect(t.sandbox.requests).toHaveLength(0);
  });
});

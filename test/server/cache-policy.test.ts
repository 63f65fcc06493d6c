import { getNamedType, isAbstractType, isObjectType, parse, type GraphQLNamedType, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSubgraph, DOMAINS } from '../../src/graphql/schema.js';
import { CachePolicies } from '../../src/server/cache-policy.js';
import type { GraphQLSchema } from 'graphql';

const STATUS = 5;
const FINAL = 300;

describe('cache policy: decided once per document from root fields, entity types and hinted fields', () => {
  let schema: GraphQLSchema;
  let policies: CachePolicies;
  beforeAll(async () => {
    schema = await buildSubgraph();
    policies = new CachePolicies(schema, { hints: DOMAINS.map((d) => d.cacheHints), maxAge: { status: STATUS, final: FINAL } });
  });

  const maxAge = (query: string, data: unknown = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    return policies.maxAge(document, operation, data);
  };

  it('every type a query can reach has a hint (else it is silently never cached)', () => {
    const hints = Object.assign({}, ...DOMAINS.map((d) => d.cacheHints)) as Record<string, unknown>;
    const reached = new Set<string>();
    const visit = (type: GraphQLNamedType) => {
      if (reached.has(type.name) || type.name.startsWith('__')) return;
      reached.add(type.name);
      if (isAbstractType(type)) for (const member of schema.getPossibleTypes(type)) visit(member);
      if (isObjectType(type)) for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    };
    for (const field of Object.values(schema.getQueryType()!.getFields())) visit(getNamedType(field.type));
    const objectTypes = [...reached].filter((name) => isObjectType(schema.getType(name)));
    // `_service { sdl }` is for composition tools, not a read worth caching.
    expect(objectTypes.filter((name) => !(name in hints) && name !== '_Service')).toEqual([]);
  });

  it('live status a few seconds, a mutation and anything unhinted never', () => {
    expect(maxAge('{ printer(deviceNo: "1") { deviceNo status } }')).toBe(STATUS);
    expect(maxAge('{ printMessage(msgNo: "1") { status } }')).toBe(STATUS);
    expect(maxAge('mutation { cancelPrintMessage(msgNo: "1") { cancelled } }')).toBe(0);
    expect(maxAge('{ _service { sdl } }')).toBe(0);
    expect(maxAge('{ __schema { queryType { name } } }')).toBe(0);
    // The machine is only its number; its codes are never cached.
    expect(maxAge('{ machine(machineNo: "10000001") { machineNo } }')).toBe(FINAL);
    expect(maxAge('{ machine(machineNo: "10000001") { pickupCodes(productId: "501") { code } } }')).toBe(0);
    expect(maxAge('{ machine(machineNo: "1") { machineNo } printer(deviceNo: "1") { status } }')).toBe(STATUS);
  });

  it('_entities: the types its fragments ask for, the minimum of them', () => {
    const entities = (fragments: string) => `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${fragments} } }`;
    expect(maxAge(entities('... on Printer { status }'))).toBe(STATUS);
    expect(maxAge(entities('... on FiscalRegister { serial }'))).toBe(FINAL);
    expect(maxAge(entities('... on FiscalRegister { serial } ... on Printer { status }'))).toBe(STATUS);
    expect(maxAge(entities('... on Printer { status } ... on PickupCode { status }'))).toBe(0);
    expect(maxAge(entities(''))).toBe(0);
    // Named fragments, as routers and clients write them.
    expect(maxAge(`${entities('...P')} fragment P on Printer { status }`)).toBe(STATUS);
    expect(maxAge(`${entities('...P ...C')} fragment P on Printer { status } fragment C on PickupCode { id }`)).toBe(0);
  });

  it('a fiscal document in a final state longer, read from the answer', () => {
    const query = '{ fiscalDocument(extId: "x") { extId state: status } }';
    expect(maxAge(query, { fiscalDocument: { extId: 'x', state: 'FAILED' } })).toBe(FINAL);
    expect(maxAge(query, { fiscalDocument: { extId: 'x', state: 'PROCESSED' } })).toBe(FINAL);
    expect(maxAge(query, { fiscalDocument: { extId: 'x', state: 'RETRY_SCHEDULED' } })).toBe(STATUS);
    // Unknown now, it may be created at any moment.
    expect(maxAge(query, { fiscalDocument: null })).toBe(STATUS);
    // Without its status in the answer nothing says it is final.
    expect(maxAge('{ fiscalDocument(extId: "x") { extId } }', { fiscalDocument: { extId: 'x' } })).toBe(STATUS);
    // A later LifePay callback changes these even on a final document.
    expect(maxAge('{ fiscalDocument(extId: "x") { status notification } }', { fiscalDocument: { status: 'PROCESSED' } })).toBe(STATUS);
    // Through a fragment, and a register's documents (a list that grows) stay short.
    const fragment = '{ fiscalDocument(extId: "x") { ...D } } fragment D on FiscalDocument { status register { serial } }';
    expect(maxAge(fragment, { fiscalDocument: { status: 'FAILED', register: { serial: '1' } } })).toBe(FINAL);
    expect(maxAge('{ fiscalDocument(extId: "x") { status register { documents { status } } } }', { fiscalDocument: null })).toBe(STATUS);
  });

  it('_entities: final documents and cancelled orders by __typename, each item counted', () => {
    const query =
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on FiscalDocument { __typename status } ' +
      '... on LogisticsOrder { __typename status } ... on FiscalRegister { __typename serial } } }';
    const document = (status: string) => ({ __typename: 'FiscalDocument', status });
    const order = (status: string) => ({ __typename: 'LogisticsOrder', status });
    const register = { __typename: 'FiscalRegister', serial: '1' };
    expect(maxAge(query, { _entities: [document('FAILED'), order('CANCELLED'), register] })).toBe(FINAL);
    expect(maxAge(query, { _entities: [document('FAILED'), document('ACCEPTED')] })).toBe(STATUS);
    expect(maxAge(query, { _entities: [document('PROCESSED'), order('UNKNOWN')] })).toBe(STATUS);
    expect(maxAge(query, { _entities: [document('PROCESSED'), null] })).toBe(STATUS);
    // Without __typename the items cannot be told apart: not final.
    const untyped = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on FiscalDocument { status } } }';
    expect(maxAge(untyped, { _entities: [{ status: 'FAILED' }] })).toBe(STATUS);
  });

  it('is computed once per operation node (Apollo reuses the parsed document)', () => {
    const document = parse('{ fiscalDocument(extId: "x") { status } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const fresh = new CachePolicies(schema, { hints: DOMAINS.map((d) => d.cacheHints), maxAge: { status: STATUS, final: FINAL } });
    let walks = 0;
    const original = Object.getPrototypeOf(fresh).analyse as (...args: unknown[]) => unknown;
    Object.defineProperty(fresh, 'analyse', { value: (...args: unknown[]) => (walks++, original.apply(fresh, args)) });
    expect(fresh.maxAge(document, operation, { fiscalDocument: { status: 'FAILED' } })).toBe(FINAL);
    expect(fresh.maxAge(document, operation, { fiscalDocument: { status: 'ACCEPTED' } })).toBe(STATUS);
    expect(walks).toBe(1);
  });

  it('refuses a type hinted by two domains', () => {
    expect(
      () =>
        new CachePolicies(schema, {
          hints: [{ Printer: { maxAge: 'status' } }, { Printer: { maxAge: 'final' } }],
          maxAge: { status: 1, final: 2 },
        }),
    ).toThrow(/Printer/);
  });
});

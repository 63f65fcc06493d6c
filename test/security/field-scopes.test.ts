import 'reflect-metadata';
import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCOPES, type Caller } from '../../src/auth/caller-auth.js';
import { pickupSchema } from '../../src/pickup/index.js';
import { buildSubgraph, DOMAINS, FEDERATION_FIELD_SCOPES, fieldScopesOf, resolverBackedFields } from '../../src/schema.js';

const caller = (...scopes: string[]): Caller => ({ subject: 'unit', scopes: new Set(scopes) });
const EVERY_SCOPE = Object.values(SCOPES);

describe('field scopes over the built schema', () => {
  it('declares a scope for every field with its own resolver (a new field without one fails here)', async () => {
    const schema = await buildSubgraph();
    const declared = { ...fieldScopesOf(DOMAINS), ...FEDERATION_FIELD_SCOPES };
    const backed = resolverBackedFields(schema);
    // The fields known to reach a vendor or the store are among them, so the metadata walk finds field resolvers.
    const known = ['Machine.pickupCodes', 'PrintMessage.status', 'FiscalRegister.documents', 'FiscalDocument.notification'];
    expect(backed).toEqual(expect.arrayContaining(known));
    expect(backed.filter((coordinate) => !(coordinate in declared))).toEqual([]);
    expect(Object.values(declared).every((scope) => (EVERY_SCOPE as string[]).includes(scope))).toBe(true);
  });

  it('refuses an undeclared resolver-backed field to every caller, before its resolver runs', async () => {
    const { 'Machine.pickupCodes': _omitted, ...rest } = pickupSchema.fieldScopes;
    const schema = await buildSubgraph([{ ...pickupSchema, fieldScopes: rest }]);
    // No vendors in this context: had the resolver run, the error would be a TypeError.
    const result = await graphql({
      schema,
      source: '{ machine(machineNo: "10000001") { machineNo pickupCodes(productId: "501") { code } } }',
      contextValue: { caller: caller(...EVERY_SCOPE) },
    });
    expect(result.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['FORBIDDEN', 'Machine.pickupCodes has no declared scope, so no caller may use it'],
    ]);
  });

  it('refuses a mutation without a declared scope', async () => {
    const { 'Mutation.cancelPickupCodes': _omitted, ...rest } = pickupSchema.fieldScopes;
    const schema = await buildSubgraph([{ ...pickupSchema, fieldScopes: rest }]);
    const source = 'mutation { cancelPickupCodes(machineNo: "10000001") { scope } }';
    const result = await graphql({ schema, source, contextValue: { caller: caller(...EVERY_SCOPE) } });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses to build with a scope declared for a field the schema lacks', async () => {
    const misspelt = { ...pickupSchema.fieldScopes, 'Machine.pickupCode': SCOPES.read };
    const build = buildSubgraph([{ ...pickupSchema, fieldScopes: misspelt }]);
    await expect(build).rejects.toThrow(/Machine\.pickupCode, which the schema does not have/);
  });
});

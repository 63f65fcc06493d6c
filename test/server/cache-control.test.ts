import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED, LIFEPAY_SEED, PICKUP_SEED } from '../../src/sandbox/index.js';
import { PrinterStatusDocument, PrintXReportDocument } from '../__generated__/graphql.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const ENV = { CACHE_MAX_AGE_STATUS: '7', CACHE_MAX_AGE_FINAL: '600' };
const ENTITIES = (fragments: string) => `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${fragments} } }`;
const FISCAL_DOCUMENT = 'query($extId: ID!) { fiscalDocument(extId: $extId) { extId status register { serial } } }';

/** Apollo marks the schema once it wraps every field resolver for a per-field plugin (its symbol is private). */
const fieldsWrapped = (schema: GraphQLSchema) =>
  Object.getOwnPropertySymbols(schema).some((symbol) => symbol.description === 'apolloServerPluginsEnabled');

describe('Cache-Control for the router', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: ENV });
  });
  afterAll(() => t?.stop());

  it('a printer-status read: max-age from CACHE_MAX_AGE_STATUS, public when caller auth is off', async () => {
    const answer = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    expect(answer.errors).toBeUndefined();
    expect(answer.headers.get('cache-control')).toBe('max-age=7, public');
  });

  it('a mutation, and any answer with an error: no-store', async () => {
    const mutation = await t.gql('mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }', { m: FEYIN_SEED.queuedMessages[0] });
    expect(mutation.errors).toBeUndefined();
    expect(mutation.headers.get('cache-control')).toBe('no-store');
    // A machine alone would be cached longest; with an error in the answer it is not.
    const invalid = await t.gql('{ machine(machineNo: "12") { machineNo } }');
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(invalid.headers.get('cache-control')).toBe('no-store');
    const unknownField = await t.gql('{ printer(deviceNo: "1") { colour } }');
    expect(unknownField.status).toBe(400);
    expect(unknownField.headers.get('cache-control')).toBe('no-store');
    const notJson = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('cache-control')).toBe('no-store');
  });

  it('_entities: printers max-age, a mix with pickup codes (never cached) no-store', async () => {
    const printers = await t.gql(ENTITIES('... on Printer { deviceNo status }'), {
      r: [
        { __typename: 'Printer', deviceNo: FEYIN_SEED.onlinePrinter },
        { __typename: 'Printer', deviceNo: FEYIN_SEED.offlinePrinter },
      ],
    });
    expect(printers.errors).toBeUndefined();
    expect(printers.headers.get('cache-control')).toBe('max-age=7, public');
    const mixed = await t.gql(ENTITIES('... on Printer { status } ... on PickupCode { id code }'), {
      r: [
        { __typename: 'Printer', deviceNo: FEYIN_SEED.onlinePrinter },
        { __typename: 'PickupCode', id: PICKUP_SEED.unusedCodes[1] },
      ],
    });
    expect(mixed.errors).toBeUndefined();
    expect(mixed.headers.get('cache-control')).toBe('no-store');
    // Registers (only a serial) and printers: the shorter of the two.
    const registers = await t.gql(ENTITIES('... on FiscalRegister { serial } ... on Printer { status }'), {
      r: [
        { __typename: 'FiscalRegister', serial: LIFEPAY_SEED.register },
        { __typename: 'Printer', deviceNo: FEYIN_SEED.onlinePrinter },
      ],
    });
    expect(registers.headers.get('cache-control')).toBe('max-age=7, public');
  });

  it('a fiscal document in a final state (FAILED) longer, one still on its way shorter', async () => {
    const refused = await t.gql(PrintXReportDocument, { input: { login: LIFEPAY_SEED.fiscalisationOffLogin, extId: 'cache-failed' } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FAILED_PRECONDITION');
    const failed = await t.gql(FISCAL_DOCUMENT, { extId: 'cache-failed' });
    expect(failed.data).toMatchObject({ fiscalDocument: { status: 'FAILED' } });
    expect(failed.headers.get('cache-control')).toBe('max-age=600, public');
    const entity = await t.gql(ENTITIES('... on FiscalDocument { extId status }'), {
      r: [{ __typename: 'FiscalDocument', extId: 'cache-failed' }],
    });
    expect(entity.headers.get('cache-control')).toBe('max-age=600, public');

    t.simulators.lifepay.answerUnavailable(1);
    const scheduled = await t.gql(PrintXReportDocument, { input: { targetSerial: LIFEPAY_SEED.register, extId: 'cache-pending' } });
    expect(scheduled.data?.printXReport.document.status).toBe('RETRY_SCHEDULED');
    const pending = await t.gql(FISCAL_DOCUMENT, { extId: 'cache-pending' });
    expect(pending.data).toMatchObject({ fiscalDocument: { status: 'RETRY_SCHEDULED' } });
    expect(pending.headers.get('cache-control')).toBe('max-age=7, public');
    // Not there yet: it may be recorded at any moment.
    const unknown = await t.gql(FISCAL_DOCUMENT, { extId: 'cache-unknown' });
    expect(unknown.data).toEqual({ fiscalDocument: null });
    expect(unknown.headers.get('cache-control')).toBe('max-age=7, public');
  });

  it("Apollo's per-field cache-control plugin is off: no field resolver is wrapped; ftv1 still answers when the router asks", async () => {
    const schema = (t.service.server as unknown as { options: { schema: GraphQLSchema } }).options.schema;
    const answer = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    expect(answer.errors).toBeUndefined();
    expect(fieldsWrapped(schema)).toBe(false);
    const traced = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1' },
      body: JSON.stringify({ query: '{ printer(deviceNo: "4600000000000001") { status } }' }),
    });
    const body = (await traced.json()) as { extensions?: { ftv1?: string } };
    expect(body.extensions?.ftv1).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(traced.headers.get('cache-control')).toBe('max-age=7, public');
  });
});

describe('Cache-Control with caller auth on', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { ...ENV, AUTH_JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterAll(() => t?.stop());

  it('private: the answer is only for callers holding its scopes', async () => {
    const token = await mintToken({ scope: 'vendors:read' });
    const answer = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }, { authorization: `Bearer ${token}` });
    expect(answer.errors).toBeUndefined();
    expect(answer.headers.get('cache-control')).toBe('max-age=7, private');
    const refused = await t.gql(
      PrinterStatusDocument,
      { deviceNo: FEYIN_SEED.onlinePrinter },
      { authorization: `Bearer ${await mintToken()}` },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const unauthenticated = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('cache-control')).toBe('no-store');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIUSB_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';

const ENTITY_KEYS: Record<string, string> = {
  Printer: 'deviceNo',
  PrintMessage: 'msgNo',
  Machine: 'machineNo',
  PickupCode: 'id',
  LogisticsOrder: 'orderId',
  FiscalRegister: 'serial',
  FiscalDocument: 'extId',
};
const NOT_STRINGS: Array<[string, unknown]> = [
  ['an object', { a: 1 }],
  ['a list', ['1']],
  ['true', true],
  ['null', null],
  ['a fraction', 1.5],
  ['a huge number', 1e300],
];

describe('hostile input ends in BAD_USER_INPUT or null, never an internal error', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const entities = (representation: Record<string, unknown>) =>
    t.gql('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [representation] } as never);

  it.each(Object.entries(ENTITY_KEYS).flatMap(([type, key]) => NOT_STRINGS.map(([name, value]) => [type, key, name, value] as const)))(
    '_entities %s with %s = %s',
    async (type, key, _name, value) => {
      const answer = await entities({ __typename: type, [key]: value });
      expect(answer.status).toBeLessThan(500);
      const codes = (answer.errors ?? []).map((e) => e.extensions?.code);
      expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
      if (answer.errors) expect(codes).toContain('BAD_USER_INPUT');
      else expect(answer.data).toEqual({ _entities: [null] });
    },
  );

  it('_entities with the key missing', async () => {
    for (const type of Object.keys(ENTITY_KEYS)) {
      const answer = await entities({ __typename: type });
      expect((answer.errors ?? []).map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
    }
  });

  it('callbackData nested 5,000 levels, as a variable', async () => {
    // Written as text: JSON.stringify itself overflows on such a value.
    const nested = `${'{"a":['.repeat(2_500)}"leaf"${']}'.repeat(2_500)}`;
    const query = 'mutation($d: JSON) { printXReport(input: { test: true, callbackData: $d }) { document { status } } }';
    const before = t.sandbox.requestsTo('/lifepay').length;
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":${JSON.stringify(query)},"variables":{"d":${nested}}}`,
    });
    const answer = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { callbackData: [expect.stringMatching(/32 levels/)] },
    });
    expect(t.sandbox.requestsTo('/lifepay').length).toBe(before);
  });

  it('callbackData nested 5,000 levels, inline in the document', async () => {
    const literal = `${'['.repeat(5_000)}1${']'.repeat(5_000)}`;
    const answer = await t.gql(`mutation { printXReport(input: { test: true, callbackData: ${literal} }) { document { status } } }`);
    expect(answer.status).toBeLessThan(500);
    expect(answer.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(answer.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED/);
  });

  it('a lone surrogate in reason is refused, not altered on its way to APIUSB', async () => {
    const [order] = APIUSB_SEED.cancellableOrders;
    const before = t.sandbox.requestsTo('/apiusb').length;
    const answer = await t.gql(
      'mutation($o: ID!, $t: ID!, $r: String!) { cancelOrder(orderId: $o, taskId: $t, reason: $r) { order { status } } }',
      {
        o: order.orderId,
        t: order.taskId,
        r: 'customer \uD800 asked',
      } as never,
    );
    expect(answer.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { reason: [expect.stringMatching(/surrogate/)] },
    });
    expect(t.sandbox.requestsTo('/apiusb').length).toBe(before);
  });

  it('a 90 kB fiscalDocument extId and register serial are refused', async () => {
    const huge = 'x'.repeat(90_000);
    const byExtId = await t.gql('query($e: ID!) { fiscalDocument(extId: $e) { status } }', { e: huge } as never);
    expect(byExtId.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { extId: [expect.stringMatching(/at most 50/)] },
    });
    const register = await entities({ __typename: 'FiscalRegister', serial: huge });
    expect(register.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { serial: [expect.stringMatching(/at most 64/)] },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelOrderDocument,
  CancelPrintMessageDocument,
  PickupCodesDocument,
  PrinterStatusDocument,
  PrintMessageStatusDocument,
} from '../__generated__/graphql.js';
import { APIUSB_SEED, PICKUP_SEED } from '../../src/sandbox/index.js';
import { startTestService, type GraphQLAnswer, type TestService } from '../helpers/service.js';

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

/** Every id argument without a documented format, where it travels, and how to send it. */
interface IdArgument {
  name: string;
  field: string;
  kind: 'token' | 'pathSegment';
  max: number;
  send(t: TestService, value: string): Promise<GraphQLAnswer<unknown>>;
}

const ID_ARGUMENTS: IdArgument[] = [
  {
    name: 'cancelPrintMessage',
    field: 'msgNo',
    kind: 'pathSegment',
    max: 64,
    send: (t, msgNo) => t.gql(CancelPrintMessageDocument, { msgNo }),
  },
  { name: 'printMessage', field: 'msgNo', kind: 'pathSegment', max: 64, send: (t, msgNo) => t.gql(PrintMessageStatusDocument, { msgNo }) },
  { name: 'printer', field: 'deviceNo', kind: 'pathSegment', max: 64, send: (t, deviceNo) => t.gql(PrinterStatusDocument, { deviceNo }) },
  {
    name: 'Machine.pickupCodes',
    field: 'productId',
    kind: 'pathSegment',
    max: 32,
    send: (t, productId) => t.gql(PickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, productId }),
  },
  {
    name: 'cancelOrder',
    field: 'orderId',
    kind: 'token',
    max: 64,
    send: (t, orderId) => t.gql(CancelOrderDocument, { orderId, taskId: 'T1', reason: 'r' }),
  },
  {
    name: 'cancelOrder',
    field: 'taskId',
    kind: 'token',
    max: 64,
    send: (t, taskId) => t.gql(CancelOrderDocument, { orderId: 'ORD.1', taskId, reason: 'r' }),
  },
];

const NOT_A_TOKEN: Array<[string, string]> = [
  ['a space', 'ORD 1'],
  ['a leading space', ' ORD1'],
  ['a tab', 'ORD\t1'],
  ['a newline', 'ORD1\n'],
  ['NUL', 'ORD\u00001'],
  ['ESC', 'ORD\u001b1'],
  ['a no-break space', 'ORD\u00a01'],
];

const NOT_A_PATH_SEGMENT: Array<[string, string]> = [
  ['a slash', 'a/b'],
  ['two dots', '..'],
  ['an encoded slash', '%2F'],
  ['a question mark', 'a?b'],
  ['a hash', 'a#b'],
  ['a backslash', 'a\\b'],
];

describe('ids by where they travel, not by a guessed alphabet (issue 19 item 3)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
    t.simulators.apiusb.addOrder('ORD.2026.2', { taskId: 'TASK.2026:2' });
  });
  afterAll(() => t.stop());

  /** The answer is BAD_USER_INPUT naming `field`, and no vendor was called for it. */
  const refused = async (argument: IdArgument, value: string) => {
    const before = t.sandbox.requests.length;
    const answer = await argument.send(t, value);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { [argument.field]: [expect.any(String)] } });
    expect(t.sandbox.requests.length).toBe(before);
  };

  it('an APIUSB order id with a dot reaches APIUSB, which does not know it: NOT_FOUND, not BAD_USER_INPUT', async () => {
    const answer = await t.gql(CancelOrderDocument, { orderId: 'ORD.2026.1', taskId: 'TASK.1', reason: 'r' });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', vendor: 'APIUSB' });
    const call = t.sandbox.requestsTo('/apiusb').at(-1)!;
    expect(new URLSearchParams(call.body).get('orderId')).toBe('ORD.2026.1');
  });

  it('an order whose ids hold a dot and a colon is cancelled', async () => {
    const answer = await t.gql(CancelOrderDocument, { orderId: 'ORD.2026.2', taskId: 'TASK.2026:2', reason: 'r' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.cancelOrder.order).toMatchObject({ orderId: 'ORD.2026.2', status: 'CANCELLED' });
  });

  it('a Feyin message number with dots reaches Feyin in the path', async () => {
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: 'MSG.2026.1' });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', vendor: 'FEYIN', vendorCode: 40005 });
    expect(t.sandbox.requestsTo('/feyin').at(-1)!.path).toBe('/msg/MSG.2026.1/cancel');
  });

  describe.each(ID_ARGUMENTS)('$name $field ($kind)', (argument) => {
    it.each(NOT_A_TOKEN)('refuses %s', (_name, value) => refused(argument, value));

    it(`refuses more than ${argument.max} characters`, () => refused(argument, 'x'.repeat(argument.max + 1)));

    if (argument.kind === 'pathSegment') it.each(NOT_A_PATH_SEGMENT)('refuses %s', (_name, value) => refused(argument, value));
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPickupPayload } from '../../src/pickup/pickup-signer.js';
import { PICKUP_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** Hostile values: any unicode (control characters included), huge strings, numbers as strings, injection fragments. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\r\n\t',
    "' OR 1=1 --",
    '"; DROP TABLE vendor_documents; --',
    '{"$gt":""}',
    '[]',
    '../../device/1/msg/clear',
    '%2e%2e%2f',
    '.',
    '..',
    'a/b',
    'a\\b',
    'a?b',
    'a#b',
    'ORD.2026.1',
    '订单:7',
    'ORD\u00a01',
    'ORD\u200b1',
    '1'.repeat(9),
    '12345678',
    '1'.repeat(33),
    'x'.repeat(20_000),
    '７９９９００００００１', // full-width digits
    '\u202e12345678',
  ),
);

/**
 * An id without a documented format, as issue 19 defines it: 1 to `max` characters, none of them
 * whitespace, a control, format or unassigned character; in a URL path also none of / \ ? # %,
 * and not "." or "..". Written out per character, independently of src/graphql/validation.ts's patterns.
 */
function expectId(value: string, max: number, inPath: boolean): void {
  expect(value.length).toBeGreaterThan(0);
  expect(value.length).toBeLessThanOrEqual(max);
  for (const char of value) {
    expect(char).not.toMatch(/\s|\p{Cc}|\p{Cf}|\p{Cs}|\p{Co}|\p{Cn}|\p{Zs}|\p{Zl}|\p{Zp}/u);
    if (inPath) expect('/\\?#%').not.toContain(char);
  }
  if (inPath) expect(['.', '..']).not.toContain(value);
}

/** Every request a simulator received must carry only values our validation accepts. */
function vendorSawOnlyValidValues(t: TestService): void {
  for (const request of t.sandbox.requests) {
    if (request.simulator === '/feyin') {
      // Only the paths the client builds: an id such as ".." would have led elsewhere.
      expect(request.path).toMatch(/^\/(?:token|devices|msg\/[^/]+\/(?:cancel|status)|device\/[^/]+\/status)$/);
      const id = /^\/(?:msg|device)\/([^/]+)\//.exec(request.path)?.[1];
      if (id !== undefined) expectId(decodeURIComponent(id), 64, true);
    } else if (request.simulator === '/pickup') {
      const fields = openPickupPayload((JSON.parse(request.body) as { payload: string }).payload)!;
      expect(fields.machine_no).toMatch(/^\d{8}$/);
      if ('id' in fields) expect(fields.id).toMatch(/^\d{1,32}$/);
      expect(request.path).toMatch(/^\/api\/openapi\/v1\/(?:pickup_codes|products\/[^/]+\/pickup_code)$/);
      const product = /^\/api\/openapi\/v1\/products\/([^/]+)\/pickup_code$/.exec(request.path)?.[1];
      if (product !== undefined) expectId(decodeURIComponent(product), 32, true);
    } else if (request.simulator === '/apiusb' && request.query.get('s') === 'App.Logistics.CCancelOrder') {
      const form = new URLSearchParams(request.body);
      expectId(form.get('orderId') ?? '', 64, false);
      expectId(form.get('taskId') ?? '', 64, false);
      const reason = form.get('cancelMsg') ?? '';
      expect(reason.trim()).not.toBe('');
      expect(reason.length).toBeLessThanOrEqual(200);
    } else if (request.simulator === '/lifepay') {
      const body = JSON.parse(request.body) as { ext_id: string; login: string };
      expect(body.ext_id.trim()).not.toBe('');
      expect(body.ext_id.length).toBeLessThanOrEqual(50);
      expect(body.login).toMatch(/^7\d{10}$/);
    }
  }
}

describe('fuzzing every mutation argument and id', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { VENDOR_TIMEOUT_MS: '500' } });
  });
  afterAll(() => t.stop());

  const survives = async (query: string, variables: Record<string, unknown>) => {
    const answer = await t.gql(query, variables as never);
    expect([200, 400]).toContain(answer.status);
    for (const error of answer.errors ?? []) {
      expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).not.toMatch(/Internal server error|TypeError|undefined/);
    }
  };

  const cases: Array<[string, string, fc.Arbitrary<Record<string, unknown>>]> = [
    ['cancelPrintMessage', 'mutation($a: ID!) { cancelPrintMessage(msgNo: $a) { cancelled } }', fc.record({ a: hostile })],
    [
      'Machine.pickupCodes',
      'query($a: ID!, $b: ID!) { machine(machineNo: $a) { pickupCodes(productId: $b) { id } } }',
      fc.record({ a: fc.oneof(fc.constant(PICKUP_SEED.onlineMachine), hostile), b: hostile }),
    ],
    [
      'cancelPickupCodes',
      'mutation($a: ID!, $b: ID) { cancelPickupCodes(machineNo: $a, pickupCodeId: $b) { scope } }',
      fc.record({ a: hostile, b: fc.option(hostile, { nil: null }) }),
    ],
    [
      'cancelOrder',
      'mutation($a: ID!, $b: ID!, $c: String!) { cancelOrder(orderId: $a, taskId: $b, reason: $c) { order { status } } }',
      fc.record({ a: hostile, b: hostile, c: hostile }),
    ],
    [
      'printXReport',
      'mutation($i: PrintXReportInput!) { printXReport(input: $i) { document { status } } }',
      fc.record({
        i: fc.record(
          {
            targetSerial: hostile,
            login: hostile,
            extId: hostile,
            test: fc.boolean(),
            callbackData: fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile),
          },
          { requiredKeys: [] },
        ),
      }),
    ],
  ];

  it.each(cases)(
    '%s never crashes, never answers an internal error, never sends an invalid value',
    async (_name, query, args) => {
      await fc.assert(
        fc.asyncProperty(args, (variables) => survives(query, variables)),
        { numRuns: 60 },
      );
      vendorSawOnlyValidValues(t);
      expect((await fetch(`${t.url}/health`)).status).toBe(200);
    },
    120_000,
  );
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelOrderDocument,
  CancelPickupCodesDocument,
  CancelPrintMessageDocument,
  FiscalDocumentDocument,
  PickupCodesDocument,
  PrinterStatusDocument,
  PrintMessageStatusDocument,
  PrintXReportDocument,
} from '../__generated__/graphql.js';
import { APIUSB_SEED, FEYIN_SEED, LIFEPAY_SEED, PICKUP_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { ALL_SCOPES, TEST_JWT_SECRET, mintToken } from '../helpers/tokens.js';

const ROUTER_SECRET = 'router-secret-for-hygiene-0123456789';

describe('no secret, vendor token or JWT in anything the service emits', () => {
  let t: TestService;
  let jwt: string;
  const emitted: string[] = [];

  beforeAll(async () => {
    t = await startTestService({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, ROUTER_SECRET, PUBLIC_URL: 'https://vendor-ops.example' } });
    jwt = await mintToken({ scope: ALL_SCOPES });
  });
  afterAll(() => t.stop());

  // Every operation, on its success and failure paths (data-driven: a new domain adds rows).
  const run = async () => {
    const auth = { authorization: `Bearer ${jwt}`, 'router-authorization': ROUTER_SECRET };
    const calls: Array<[unknown, Record<string, unknown>]> = [
      [PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }],
      [PrintMessageStatusDocument, { msgNo: FEYIN_SEED.printedMessage }],
      [CancelPrintMessageDocument, { msgNo: FEYIN_SEED.queuedMessages[1] }],
      [CancelPrintMessageDocument, { msgNo: FEYIN_SEED.printingMessage }],
      [CancelPrintMessageDocument, { msgNo: 'UNKNOWN-1' }],
      [PickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, productId: PICKUP_SEED.productId }],
      [CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: PICKUP_SEED.unusedCodes[1] }],
      [CancelPickupCodesDocument, { machineNo: PICKUP_SEED.offlineMachine }],
      [CancelPickupCodesDocument, { machineNo: '123' }],
      [CancelOrderDocument, { ...APIUSB_SEED.cancellableOrders[1], reason: 'hygiene' }],
      [CancelOrderDocument, { ...APIUSB_SEED.collectedOrder, reason: 'hygiene' }],
      [PrintXReportDocument, { input: { extId: 'hygiene-1', targetSerial: LIFEPAY_SEED.register } }],
      [PrintXReportDocument, { input: { extId: 'hygiene-2', targetSerial: 'NO-SUCH-SERIAL' } }],
      [PrintXReportDocument, { input: { extId: 'hygiene-3', login: LIFEPAY_SEED.fiscalisationOffLogin } }],
      [FiscalDocumentDocument, { extId: 'hygiene-1' }],
    ];
    for (const [document, variables] of calls) {
      const answer = await t.gql(document as never, variables as never, auth);
      emitted.push(JSON.stringify(answer.errors ?? []), JSON.stringify(answer.data ?? null));
    }
    // Vendor outages and refused callers too.
    t.sandbox.inject('/feyin', { kind: 'status', status: 500 });
    t.sandbox.inject('/apiusb', { kind: 'garbage' });
    t.sandbox.inject('/lifepay', { kind: 'status', status: 503 });
    for (const [document, variables] of calls.slice(0, 12)) {
      const answer = await t.gql(document as never, variables as never, auth);
      emitted.push(JSON.stringify(answer.errors ?? []));
    }
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${jwt}x`, 'router-authorization': ROUTER_SECRET },
      { authorization: `Bearer ${jwt}` },
    ];
    for (const headers of refused) {
      const answer = await t.gql(CancelPrintMessageDocument, { msgNo: 'X' }, headers);
      emitted.push(JSON.stringify(answer.errors ?? []));
    }
    t.simulators.feyin.revokeTokens();
    await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }, auth);
    emitted.push(await (await fetch(`${t.url}/metrics`)).text());
  };

  it('runs every path, then finds none of them in logs, errors, extensions or /metrics', async () => {
    await run();
    const vendorTokens = t.sandbox.requests
      .flatMap((r) => [r.query.get('access_token'), new URLSearchParams(r.body).get('access_token')])
      .filter((token): token is string => Boolean(token));
    expect(vendorTokens.length).toBeGreaterThan(0);
    const forbidden = [...t.secrets, TEST_JWT_SECRET, ROUTER_SECRET, jwt, ...new Set(vendorTokens)];
    const output = [t.logs.text, ...emitted].join('\n');
    expect(output.length).toBeGreaterThan(1000);
    for (const secret of forbidden) expect(output, `a secret of length ${secret.length} leaked`).not.toContain(secret);
    expect(output).not.toMatch(/access_token=|apikey"\s*:/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelOrderDocument,
  CancelPickupCodesDocument,
  CancelPrintMessageDocument,
  PrinterStatusDocument,
} from './__generated__/graphql.js';
import { BENCH_LAYERS } from '../src/config.js';
import { APIUSB_SEED, FEYIN_SEED, PICKUP_SEED } from '../src/sandbox/index.js';
import { startTestService, type TestService } from './helpers/service.js';

// BENCH_ABLATE (npm run bench's ablation, never in production): with every layer left out the
// service still answers each vendor's calls correctly, and the layers are really gone.
describe('BENCH_ABLATE: every layer left out (the bench only)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { BENCH_ABLATE: BENCH_LAYERS.join(','), MAX_QUERY_DEPTH: '2' } });
  });
  afterAll(() => t.stop());

  it('cancels at Feyin (JSON answer), APIUSB (form body) and pickup (signed JSON PUT) without ky', async () => {
    // Depth 3 (cancelPrintMessage → message → status) with MAX_QUERY_DEPTH=2: answered, the limits are gone.
    const msgNo = 'ABLATE-CANCEL-1';
    t.simulators.feyin.addMessage(msgNo);
    const printed = await t.gql(CancelPrintMessageDocument, { msgNo });
    expect(printed.errors).toBeUndefined();
    expect(printed.data?.cancelPrintMessage).toEqual({ cancelled: true, message: { msgNo, status: 'cancelled' } });
    expect(t.simulators.feyin.messages.get(msgNo)?.status).toBe('cancelled');

    const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
    const order = await t.gql(CancelOrderDocument, { orderId, taskId, reason: 'bench' });
    expect(order.errors).toBeUndefined();
    expect(t.simulators.apiusb.orders.get(orderId)?.state).toBe('cancelled');

    const code = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: PICKUP_SEED.unusedCodes[0] });
    expect(code.errors).toBeUndefined();
    expect(code.data?.cancelPickupCodes.scope).toBe('ONE');
    // ky's client writes a debug line per call (LOG_LEVEL=debug here); the direct call writes none.
    expect(t.logs.records().some((r) => r.msg === 'vendor call')).toBe(false);
  });

  it('maps a vendor refusal as before: a Feyin error code is FAILED_PRECONDITION', async () => {
    const answer = await t.gql(CancelPrintMessageDocument, { msgNo: FEYIN_SEED.printingMessage });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', vendor: 'FEYIN' });
  });

  it('leaves out the operation log, the metrics, the limits and the cache policy', async () => {
    // A printer's status may be cached for CACHE_MAX_AGE_STATUS: without the cache policy, never.
    const status = await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    expect(status.errors).toBeUndefined();
    expect(status.headers.get('cache-control')).toBe('no-store');
    expect(t.logs.records().some((r) => r.msg === 'graphql operation')).toBe(false);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    expect(t.logs.records().some((r) => r.level === 40 && String(r.msg).startsWith('BENCH_ABLATE leaves out metrics, operation-log'))).toBe(
      true,
    );
  });
});

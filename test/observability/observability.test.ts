import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelPrintMessageDocument, PrinterStatusDocument } from '../__generated__/graphql.js';
import { FEYIN_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';

const sample = (text: string, name: string, labels: Record<string, string>) => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').at(-1)) : undefined;
};

describe('metrics and logs', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('/metrics shows vendor calls, latencies, operations, token renewals and the outbox depth after traffic', async () => {
    await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter });
    await t.gql(CancelPrintMessageDocument, { msgNo: 'NO-SUCH-MESSAGE' });
    t.sandbox.inject('/feyin', { kind: 'status', status: 500 });
    await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.offlinePrinter });
    await t.gql('mutation { printXReport(input: { extId: "metrics-1" }) { document { status } } }');

    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(sample(text, 'vendor_calls_total', { vendor: 'FEYIN', operation: 'device.status', outcome: 'OK' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'vendor_calls_total', { vendor: 'FEYIN', operation: 'device.status', outcome: 'VENDOR_UNAVAILABLE' })).toBe(1);
    expect(sample(text, 'vendor_call_duration_seconds_count', { vendor: 'FEYIN', operation: 'msg.cancel' })).toBe(1);
    expect(sample(text, 'graphql_operations_total', { operation: 'PrinterStatus', outcome: 'OK' })).toBe(1);
    expect(sample(text, 'graphql_operations_total', { operation: 'CancelPrintMessage', outcome: 'NOT_FOUND' })).toBe(1);
    expect(sample(text, 'vendor_token_renewals_total', { vendor: 'FEYIN' })).toBe(1);
    expect(sample(text, 'fiscal_outbox_documents', { status: 'ACCEPTED' })).toBeGreaterThanOrEqual(1);
    // No ids or secrets in labels.
    expect(text).not.toContain(FEYIN_SEED.onlinePrinter);
    expect(text).not.toContain('NO-SUCH-MESSAGE');
    for (const secret of t.secrets) expect(text).not.toContain(secret);
  });

  it('logs one line per operation, and vendor call lines carry the same request id', async () => {
    await t.gql(PrinterStatusDocument, { deviceNo: FEYIN_SEED.onlinePrinter }, { 'x-request-id': 'trace-me-42' });
    const records = t.logs.records().filter((r) => r.requestId === 'trace-me-42');
    expect(records.find((r) => r.msg === 'graphql operation')).toMatchObject({
      operationName: 'PrinterStatus',
      outcome: 'OK',
      durationMs: expect.any(Number),
    });
    expect(records.find((r) => r.msg === 'vendor call')).toMatchObject({
      vendor: 'FEYIN',
      path: `/device/${FEYIN_SEED.onlinePrinter}/status`,
      status: 200,
    });
  });

  it('caps operation-name labels', async () => {
    for (let i = 0; i < 5; i += 1) await t.gql(`query Probe_${'x'.repeat(70)}${i} { __typename }`);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(sample(text, 'graphql_operations_total', { operation: 'other', outcome: 'OK' })).toBe(5);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEYIN_SEED, PICKUP_SEED, sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { tracingConfigured } from '../../src/observability/tracing.js';
import { parseTraceparent } from '../../src/observability/traceparent.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/cleanup.js';
import { eventually } from '../helpers/eventually.js';
import { OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { ALL_SCOPES, mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const ROUTER_SECRET = 'router-secret-for-the-otel-test-5f1c';
const PROBE = resolve(import.meta.dirname, '../helpers/module-probe.cjs');

const CANCEL = 'mutation CancelForTrace($msgNo: ID!) { cancelPrintMessage(msgNo: $msgNo) { cancelled } }';
const PRINT = 'mutation PrintForTrace($extId: String) { printXReport(input: { extId: $extId }) { document { status } } }';
const DOCUMENT = 'query DocumentForTrace($extId: ID!) { fiscalDocument(extId: $extId) { status } }';
const CANCEL_CODES = 'mutation CancelCodesForTrace($machineNo: ID!) { cancelPickupCodes(machineNo: $machineNo) { scope } }';

const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;

interface Caller {
  service: ChildService;
  jwt: string;
}

async function post(
  { service, jwt }: Caller,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ data?: Record<string, Record<string, unknown>> | null; errors?: unknown[] }> {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${jwt}`,
      'router-authorization': ROUTER_SECRET,
      connection: 'close',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as never;
}

/** The service's JSON log lines. */
const logRecords = (service: ChildService) =>
  service.output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('OpenTelemetry tracing (OTLP over HTTP to an in-process receiver)', () => {
  let sandbox: RunningSandbox;
  let receiver: OtlpReceiver;
  let dataDir: string;
  let service: ChildService;
  let caller: Caller;
  let spans: ReceivedSpan[];
  let feyinToken: string | undefined;
  const incoming = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
  const refused = { traceId: '1af7651916cd43dd8448eb211c80319d', spanId: 'c7ad6b7169203332' };
  const longNamed = { traceId: '2af7651916cd43dd8448eb211c80319e', spanId: 'd7ad6b7169203333' };
  const printIncoming = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

  beforeAll(async () => {
    sandbox = await startSandbox();
    receiver = await new OtlpReceiver().listen();
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-otel-'));
    service = await spawnService({
      ...sandboxEnv(sandbox),
      VENDOR_MODE: 'live',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      ROUTER_SECRET,
      LIFEPAY_RETRY_SCHEDULE: '1',
      LIFEPAY_WORKER_POLL_MS: '100',
      NODE_OPTIONS: `--require ${PROBE}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'vendor-ops-otel-test',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      // Nothing is exported before shutdown: the spans below arrive only if SIGTERM flushes them.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    caller = { service, jwt: await mintToken({ scope: ALL_SCOPES }) };

    sandbox.simulators.feyin.addMessage('OTEL-MSG-1');
    const cancelled = await post(
      caller,
      CANCEL,
      { msgNo: 'OTEL-MSG-1' },
      {
        traceparent: traceparent(incoming.traceId, incoming.spanId),
        'x-request-id': 'otel-cancel',
      },
    );
    expect(cancelled.data?.cancelPrintMessage).toEqual({ cancelled: true });
    feyinToken = [...(sandbox.simulators.feyin as unknown as { accountTokens: Map<string, string> }).accountTokens.values()][0];

    sandbox.simulators.feyin.addMessage('OTEL-MSG-2');
    await post(caller, CANCEL, { msgNo: 'OTEL-MSG-2' }, { 'x-request-id': 'otel-root' });
    await post(caller, CANCEL_CODES, { machineNo: PICKUP_SEED.onlineMachine });
    const unknown = await post(
      caller,
      CANCEL,
      { msgNo: 'OTEL-NO-SUCH-MSG' },
      { traceparent: traceparent(refused.traceId, refused.spanId) },
    );
    expect(unknown.errors).toHaveLength(1);
    const longName = `Long${'x'.repeat(20_000)}`;
    const named = await post(
      caller,
      `query ${longName} { __typename }`,
      {},
      { traceparent: traceparent(longNamed.traceId, longNamed.spanId) },
    );
    expect(named.errors).toBeUndefined();

    // LifePay is down for the first attempt: the worker's retry delivers the document later.
    sandbox.simulators.lifepay.answerUnavailable(1);
    const printed = await post(
      caller,
      PRINT,
      { extId: 'otel-x-1' },
      { traceparent: traceparent(printIncoming.traceId, printIncoming.spanId) },
    );
    expect(printed.data?.printXReport).toEqual({ document: { status: 'RETRY_SCHEDULED' } });
    await eventually(async () => (await post(caller, DOCUMENT, { extId: 'otel-x-1' })).data?.fiscalDocument?.status === 'ACCEPTED', {
      what: 'the worker to deliver the X-report',
      intervalMs: 200,
    });

    expect(receiver.spans()).toEqual([]);
    await service.stop();
    spans = receiver.spans();
  }, 40_000);

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
    await sandbox?.sandbox.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const operationSpan = (traceId: string) => spans.find((s) => s.name === 'graphql.operation' && s.traceId === traceId);

  it('continues the incoming trace: the operation span is the child of the router span, named by type and name, no query text', () => {
    const operation = operationSpan(incoming.traceId);
    expect(operation).toMatchObject({
      parentSpanId: incoming.spanId,
      attributes: { 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'CancelForTrace', outcome: 'OK', merchant: 'default' },
    });
    expect(JSON.stringify(operation)).not.toContain('cancelPrintMessage(');
    expect(JSON.stringify(operation)).not.toContain('OTEL-MSG-1');
  });

  it('keeps at most 100 characters of an operation name the caller chose, on its span and its log line', () => {
    const shown = `Long${'x'.repeat(96)}`;
    expect(operationSpan(longNamed.traceId)?.attributes['graphql.operation.name']).toBe(shown);
    const line = logRecords(service).find((r) => r.msg === 'graphql operation' && r.trace_id === longNamed.traceId);
    expect(line?.operationName).toBe(shown);
  });

  it('makes each vendor call a child span of the operation: vendor, operation, path without query string, status, outcome', () => {
    const operation = operationSpan(incoming.traceId)!;
    const cancel = spans.find((s) => s.name === 'FEYIN msg.cancel' && s.traceId === incoming.traceId);
    expect(cancel).toMatchObject({
      parentSpanId: operation.spanId,
      attributes: {
        vendor: 'FEYIN',
        'vendor.operation': 'msg.cancel',
        'http.request.method': 'POST',
        'url.path': '/msg/OTEL-MSG-1/cancel',
        'http.response.status_code': 200,
        outcome: 'OK',
        merchant: 'default',
      },
    });
    // The shared token's store queries (first call: the token is fetched) belong to the same request.
    const queries = spans.filter((s) => s.name.startsWith('db ') && s.traceId === incoming.traceId);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((q) => q.parentSpanId === operation.spanId && q.attributes['db.system.name'] === 'sqlite')).toBe(true);
  });

  it('links each outbox retry, a trace of its own, to the trace of the mutation that recorded the document', () => {
    const mutation = operationSpan(printIncoming.traceId)!;
    expect(mutation.parentSpanId).toBe(printIncoming.spanId);
    const attempts = spans.filter((s) => s.name === 'outbox.attempt');
    const first = attempts.find((s) => s.traceId === printIncoming.traceId);
    expect(first).toMatchObject({
      parentSpanId: mutation.spanId,
      attributes: { vendor: 'LIFEPAY', merchant: 'default', 'outbox.attempt': 1, 'outbox.status': 'RETRY_SCHEDULED' },
      status: { code: 2, message: 'VENDOR_UNAVAILABLE' },
    });
    const retry = attempts.find((s) => s.traceId !== printIncoming.traceId);
    expect(retry).toMatchObject({
      parentSpanId: undefined,
      links: [{ traceId: printIncoming.traceId, spanId: mutation.spanId }],
      attributes: { merchant: 'default', 'outbox.attempt': 2, 'outbox.status': 'ACCEPTED' },
    });
    // The retry's vendor call and its store writes are children of the retry's span.
    const call = spans.find((s) => s.name === 'LIFEPAY create-x-report' && s.traceId === retry!.traceId);
    expect(call).toMatchObject({
      parentSpanId: retry!.spanId,
      attributes: { 'http.response.status_code': 200, outcome: 'OK', merchant: 'default' },
    });
    expect(spans.some((s) => s.name === 'db update' && s.parentSpanId === retry!.spanId)).toBe(true);
    // The failed first call: ERROR with our code, never the vendor's text.
    const failed = spans.find((s) => s.name === 'LIFEPAY create-x-report' && s.traceId === printIncoming.traceId);
    expect(failed).toMatchObject({ status: { code: 2, message: 'VENDOR_UNAVAILABLE' }, attributes: { 'http.response.status_code': 503 } });
  });

  it("marks a failed operation ERROR with our error code, never the vendor's text", () => {
    expect(operationSpan(refused.traceId)).toMatchObject({
      status: { code: 2, message: 'NOT_FOUND' },
      attributes: { outcome: 'NOT_FOUND' },
    });
    expect(receiver.rawText).not.toContain('msg_no not exist');
  });

  it('exports no configured secret, vendor token, caller JWT, query string or request body anywhere in its bytes', () => {
    const env = sandboxEnv(sandbox);
    const secrets = [
      env.FEYIN_API_KEY,
      env.LIFEPAY_API_KEY,
      env.PICKUP_APP_SECRET,
      env.PICKUP_SIGN_KEY,
      env.APIUSB_APP_SECRET,
      feyinToken,
      caller.jwt,
      TEST_JWT_SECRET,
      ROUTER_SECRET,
    ];
    expect(secrets.every(Boolean)).toBe(true);
    expect(receiver.requests.every((r) => r.path === '/v1/traces' && r.contentType.includes('json'))).toBe(true);
    const raw = receiver.rawText;
    expect(raw.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(raw).not.toContain(secret);
    for (const word of ['access_token', 'apikey', 'secret=', 'AppSecret', 'authorization', 'otel-x-1']) expect(raw).not.toContain(word);
    const paths = spans.flatMap((span) => (typeof span.attributes['url.path'] === 'string' ? [span.attributes['url.path']] : []));
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.filter((path) => path.includes('?'))).toEqual([]);
  });

  it('writes trace_id on every log line of a request: the incoming trace, or the operation span’s own', () => {
    const records = logRecords(service);
    const cancelLines = records.filter((r) => r.requestId === 'otel-cancel');
    expect(cancelLines.map((r) => r.msg)).toEqual(expect.arrayContaining(['vendor call', 'graphql operation']));
    expect(cancelLines.every((r) => r.trace_id === incoming.traceId)).toBe(true);
    const rootLines = records.filter((r) => r.requestId === 'otel-root');
    const rootSpan = spans.find((s) => s.name === 'graphql.operation' && s.parentSpanId === undefined);
    expect(rootLines.length).toBeGreaterThan(0);
    expect(rootLines.every((r) => r.trace_id === rootSpan?.traceId)).toBe(true);
    expect(service.output.join('')).toContain('module-probe: sdk-node loaded');
  });
});

describe('tracing off (no OTLP endpoint)', () => {
  it('loads no OpenTelemetry SDK, exports nothing, and still writes the incoming trace id on every log line', async () => {
    const sandbox = await startSandbox();
    const receiver = await new OtlpReceiver().listen();
    const dataDir = tempDir('vendor-ops-otel-off-');
    const service = await spawnService({
      ...sandboxEnv(sandbox),
      VENDOR_MODE: 'live',
      AUTH_DISABLED: 'true',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      NODE_OPTIONS: `--require ${PROBE}`,
      // Everything but an endpoint: tracing stays off.
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'vendor-ops-otel-off',
      OTEL_TRACES_SAMPLER: 'always_on',
    });
    try {
      sandbox.simulators.feyin.addMessage('OTEL-OFF-1');
      const answer = await post(
        { service, jwt: 'unused' },
        CANCEL,
        { msgNo: 'OTEL-OFF-1' },
        {
          traceparent: traceparent(incomingOff.traceId, incomingOff.spanId),
          'x-request-id': 'otel-off',
        },
      );
      expect(answer.data?.cancelPrintMessage).toEqual({ cancelled: true });
    } finally {
      await service.stop();
      await receiver.close();
      await sandbox.sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(receiver.requests).toEqual([]);
    expect(service.output.join('')).toContain('module-probe: sdk-node not loaded');
    const lines = logRecords(service).filter((r) => r.requestId === 'otel-off');
    expect(lines.map((r) => r.msg)).toEqual(expect.arrayContaining(['vendor call', 'graphql operation']));
    expect(lines.every((r) => r.trace_id === incomingOff.traceId)).toBe(true);
  }, 30_000);

  const incomingOff = { traceId: '5bf92f3577b34da6a3ce929d0e0e4737', spanId: '10f067aa0ba902b8' };
});

describe('configuration and traceparent', () => {
  it('turns tracing on only with an endpoint, and off with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('reads a W3C traceparent and ignores what the spec says to ignore', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: 1,
    });
    // A later version may carry more fields.
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra')?.flags).toBe(0);
    for (const bad of [
      undefined,
      '',
      'garbage',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
    ]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });
});

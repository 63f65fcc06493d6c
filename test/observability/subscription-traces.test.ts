import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { eventually } from '../helpers/eventually.js';
import { FakeRouter, inTurn } from '../helpers/fake-router.js';
import { OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { subscriber } from '../helpers/subscriber.js';

const ROUTER_SECRET = 'router-secret-for-the-subscription-traces-1';
const WATCH = 'subscription WatchTraced($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status } }';
const CANCEL = 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }';
const routerSpan = { traceId: '5bf92f3577b34da6a3ce929d0e0e4737', spanId: '10f067aa0ba902b8' };

describe('subscriptions in traces (OTLP over HTTP to an in-process receiver)', () => {
  let sandbox: RunningSandbox;
  let receiver: OtlpReceiver;
  let router: FakeRouter;
  let dataDir: string;
  let service: ChildService;
  let spans: ReceivedSpan[];

  beforeAll(async () => {
    sandbox = await startSandbox();
    receiver = await new OtlpReceiver().listen();
    router = await new FakeRouter().start();
    dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-sub-traces-'));
    service = await spawnService({
      ...sandboxEnv(sandbox),
      VENDOR_MODE: 'live',
      AUTH_DISABLED: 'true',
      DATA_DIR: dataDir,
      ROUTER_SECRET,
      SUBSCRIPTION_CALLBACK_ORIGINS: router.origin,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    });
    const cancel = (msgNo: string) =>
      fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET },
        body: JSON.stringify({ query: CANCEL, variables: { m: msgNo } }),
      });

    // Over graphql-ws: the current state, then the cancel, then complete.
    sandbox.simulators.feyin.addMessage('TRACE-WS-1');
    const client = subscriber(service.url, { 'router-authorization': ROUTER_SECRET });
    const sub = client.subscribe<{ printMessageUpdated: { status: string } }>(WATCH, { m: 'TRACE-WS-1' });
    await eventually(() => sub.events.length === 1, { what: 'the first state over graphql-ws' });
    await cancel('TRACE-WS-1');
    expect(await sub.ended).toBe('complete');
    await client.dispose();

    // Over the router's callbacks, continuing the router's trace; the first next is answered 503 once, then sent again.
    sandbox.simulators.feyin.addMessage('TRACE-CB-1');
    const nextAnswers = inTurn(503, 204);
    router.answer = (m) => (m.body.action === 'next' ? nextAnswers() : 204);
    const answer = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'router-authorization': ROUTER_SECRET,
        traceparent: `00-${routerSpan.traceId}-${routerSpan.spanId}-01`,
      },
      body: JSON.stringify({
        query: WATCH,
        variables: { m: 'TRACE-CB-1' },
        extensions: {
          subscription: { callbackUrl: `${router.origin}/cb/1`, subscriptionId: 'trace-cb-1', verifier: 'v-1', heartbeatIntervalMs: 0 },
        },
      }),
    });
    expect(answer.status).toBe(200);
    await eventually(() => router.of('trace-cb-1').length === 3, { what: 'the first next, sent again' });
    await cancel('TRACE-CB-1');
    await eventually(() => router.of('trace-cb-1').some((m) => m.body.action === 'complete'), { what: 'complete' });

    // SIGTERM flushes the spans.
    await service.stop();
    spans = receiver.spans();
  }, 40_000);

  afterAll(async () => {
    await service?.kill9().catch(() => undefined);
    await receiver?.close();
    await router?.close();
    await sandbox?.sandbox.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const subscriptionSpans = () => spans.filter((s) => s.name === 'graphql.subscription');

  it('gives a graphql-ws subscription a span of its own, an event per state sent, its vendor reads as children', () => {
    const ws = subscriptionSpans().find((s) => s.attributes.transport === 'ws');
    expect(ws).toMatchObject({
      attributes: {
        'graphql.operation.type': 'subscription',
        'graphql.operation.name': 'WatchTraced',
        transport: 'ws',
        merchant: 'default',
        outcome: 'OK',
        'subscription.events': 2,
      },
      events: ['next', 'next'],
    });
    const reads = spans.filter((s) => s.name.startsWith('FEYIN ') && s.parentSpanId === ws!.spanId);
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(ws)).not.toContain('TRACE-WS-1');
  });

  it("continues the router's trace for a callback subscription; each callback request (each try) is a client span under it", () => {
    const callback = subscriptionSpans().find((s) => s.attributes.transport === 'callback');
    expect(callback).toMatchObject({
      traceId: routerSpan.traceId,
      parentSpanId: routerSpan.spanId,
      attributes: { transport: 'callback', outcome: 'OK', 'subscription.events': 2 },
      events: ['next', 'next'],
    });
    const requests = spans.filter((s) => s.name === 'subscription.callback' && s.parentSpanId === callback!.spanId);
    expect(requests.map((s) => s.attributes['callback.action'])).toEqual(['check', 'next', 'next', 'next', 'complete']);
    expect(requests.map((s) => s.attributes['callback.try'])).toEqual([1, 1, 2, 1, 1]);
    expect(requests[1]!.attributes).toMatchObject({ 'http.response.status_code': 503, outcome: 'failed' });
    for (const request of requests.filter((_, i) => i !== 1)) {
      expect(request.attributes).toMatchObject({ 'http.response.status_code': 204, outcome: 'ok' });
      // The router's address only: no path, no verifier.
      expect(JSON.stringify(request)).not.toContain('v-1');
      expect(JSON.stringify(request)).not.toContain('/cb/1');
    }
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServiceMetrics } from '../../src/observability/metrics.js';
import { FEYIN_SEED, LIFEPAY_SEED } from '../../src/sandbox/index.js';
import { MerchantShares } from '../../src/vendor-http/call-slots.js';
import { eventually } from '../helpers/eventually.js';
import { FakeRouter } from '../helpers/fake-router.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { subscriber, type Subscriber } from '../helpers/subscriber.js';

const ROUTER_SECRET = 'router-secret-for-the-transport-test-0123';
const WATCH = 'subscription WatchForMetrics($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status } }';
const CANCEL = 'mutation CancelForMetrics($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }';

/** One sample of `name` whose labels include `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text.split('\n').find((l) => {
    const [series] = l.split(' ');
    if (series !== name && !series!.startsWith(`${name}{`)) return false;
    return Object.entries(labels).every(([key, value]) => l.includes(`${key}="${value}"`));
  });
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('every operation in the logs and metrics, with its transport (http, ws, callback)', () => {
  let t: TestService;
  let router: FakeRouter;
  const clients: Subscriber[] = [];
  const scrape = async () => (await fetch(`${t.url}/metrics`)).text();
  beforeAll(async () => {
    router = await new FakeRouter().start();
    t = await startTestService({
      env: { ROUTER_SECRET, SUBSCRIPTION_CALLBACK_ORIGINS: router.origin, SUBSCRIPTIONS_MAX: '321', VENDOR_TIMEOUT_MS: '1000' },
    });
  });
  afterEach(async () => {
    for (const made of clients.splice(0)) await made.dispose();
  });
  afterAll(async () => {
    await t?.stop();
    await router?.close();
  });

  it('a graphql-ws subscription: a line when it starts, one when it ends, counted once with transport ws', async () => {
    const msgNo = 'TRANSPORT-WS-1';
    t.simulators.feyin.addMessage(msgNo);
    const client = subscriber(t.url, { 'router-authorization': ROUTER_SECRET });
    clients.push(client);
    const sub = client.subscribe<{ printMessageUpdated: { status: string } }>(WATCH, { m: msgNo });
    await eventually(() => sub.events.length === 1, { what: 'the first state' });
    const started = t.logs.records().find((r) => r.msg === 'graphql operation started' && r.operationName === 'WatchForMetrics');
    expect(started).toMatchObject({ transport: 'ws', merchant: 'default', requestId: expect.any(String) });
    // Open: not counted yet (an operation counts once, when it ends).
    expect(sample(await scrape(), 'graphql_operations_total', { operation: 'WatchForMetrics' })).toBeUndefined();

    await t.gql(CANCEL, { m: msgNo }, { 'router-authorization': ROUTER_SECRET });
    expect(await sub.ended).toBe('complete');
    await eventually(
      () => t.logs.records().find((r) => r.msg === 'graphql operation' && r.operationName === 'WatchForMetrics' && r.transport === 'ws'),
      { what: 'the end line' },
    );
    const ended = t.logs.records().find((r) => r.msg === 'graphql operation' && r.operationName === 'WatchForMetrics')!;
    expect(ended).toMatchObject({
      outcome: 'OK',
      merchant: 'default',
      events: 2,
      durationMs: expect.any(Number),
      requestId: started!.requestId,
    });
    const text = await scrape();
    expect(sample(text, 'graphql_operations_total', { operation: 'WatchForMetrics', outcome: 'OK', transport: 'ws' })).toBe(1);
    expect(sample(text, 'graphql_operation_duration_seconds_count', { operation: 'WatchForMetrics', transport: 'ws' })).toBe(1);
    // The mutation that ended it came over HTTP.
    expect(sample(text, 'graphql_operations_total', { operation: 'CancelForMetrics', outcome: 'OK', transport: 'http' })).toBe(1);
    expect(t.logs.records().find((r) => r.msg === 'graphql operation' && r.operationName === 'CancelForMetrics')).toMatchObject({
      transport: 'http',
    });
  });

  it('a subscription refused over graphql-ws counts with its code: validation, or a scope-free bad argument', async () => {
    const client = subscriber(t.url, { 'router-authorization': ROUTER_SECRET });
    clients.push(client);
    const invalid = client.subscribe('subscription BadWatch { nope }');
    expect(await invalid.ended).toBe('error');
    const query = client.subscribe('query NotASubscription { __typename }');
    expect(await query.ended).toBe('error');
    const text = await scrape();
    expect(sample(text, 'graphql_operations_total', { operation: 'BadWatch', outcome: 'GRAPHQL_VALIDATION_FAILED', transport: 'ws' })).toBe(
      1,
    );
    expect(sample(text, 'graphql_operations_total', { operation: 'NotASubscription', outcome: 'BAD_USER_INPUT', transport: 'ws' })).toBe(1);
  });

  it("a subscription over the router's callbacks: counted with transport callback when it completes", async () => {
    const msgNo = 'TRANSPORT-CB-1';
    t.simulators.feyin.addMessage(msgNo);
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET },
      body: JSON.stringify({
        query: WATCH.replace('WatchForMetrics', 'WatchOverCallbacks'),
        variables: { m: msgNo },
        extensions: {
          subscription: { callbackUrl: `${router.origin}/cb/1`, subscriptionId: 'transport-cb-1', verifier: 'v-1', heartbeatIntervalMs: 0 },
        },
      }),
    });
    expect(response.status).toBe(200);
    await eventually(() => router.of('transport-cb-1').length === 2, { what: 'the first next' });
    await t.gql(CANCEL, { m: msgNo }, { 'router-authorization': ROUTER_SECRET });
    await eventually(() => router.of('transport-cb-1').some((m) => m.body.action === 'complete'), { what: 'complete' });
    await eventually(
      async () => sample(await scrape(), 'graphql_operations_total', { operation: 'WatchOverCallbacks', transport: 'callback' }),
      {
        what: 'the operation counted',
      },
    );
    expect(
      sample(await scrape(), 'graphql_operations_total', { operation: 'WatchOverCallbacks', outcome: 'OK', transport: 'callback' }),
    ).toBe(1);
    const lines = t.logs.records().filter((r) => r.operationName === 'WatchOverCallbacks');
    expect(lines.map((r) => [r.msg, r.transport])).toEqual([
      ['graphql operation started', 'callback'],
      ['graphql operation', 'callback'],
    ]);
    expect(lines[1]).toMatchObject({ outcome: 'OK', events: 2, merchant: 'default' });
  });

  it('exports the subscription limit, vendor token renewal failures and documents that ended FAILED', async () => {
    let text = await scrape();
    expect(sample(text, 'graphql_subscriptions_max')).toBe(321);
    expect(sample(text, 'graphql_subscriptions_open', { transport: 'callback' })).toBe(0);
    for (const vendor of ['FEYIN', 'PICKUP', 'APIUSB', 'LIFEPAY']) {
      expect(sample(text, 'vendor_token_renewal_failures_total', { vendor })).toBe(0);
      expect(sample(text, 'vendor_calls_waiting', { vendor })).toBe(0);
    }
    expect(sample(text, 'nodejs_heap_size_limit_bytes')).toBeGreaterThan(64 * 1024 * 1024);
    expect(sample(text, 'process_memory_limit_bytes')).toBeGreaterThan(0);

    // A fresh service fetches Feyin's token first: that fetch fails.
    const fresh = await startTestService();
    try {
      fresh.sandbox.inject('/feyin', { kind: 'status', status: 500 });
      const answer = await fresh.gql('{ printer(deviceNo: "' + FEYIN_SEED.onlinePrinter + '") { status } }');
      expect(answer.errors?.[0]?.extensions?.code).toBe('VENDOR_UNAVAILABLE');
      const freshText = await (await fetch(`${fresh.url}/metrics`)).text();
      expect(sample(freshText, 'vendor_token_renewals_total', { vendor: 'FEYIN' })).toBe(1);
      expect(sample(freshText, 'vendor_token_renewal_failures_total', { vendor: 'FEYIN' })).toBe(1);
    } finally {
      await fresh.stop();
    }

    // LifePay refuses a login with cloud fiscalisation off: the document ends FAILED at once.
    const refused = await t.gql(
      `mutation { printXReport(input: { extId: "transport-failed-1", login: "${LIFEPAY_SEED.fiscalisationOffLogin}" }) { document { status } } }`,
      undefined,
      { 'router-authorization': ROUTER_SECRET },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBeDefined();
    text = await scrape();
    expect(sample(text, 'fiscal_outbox_documents', { status: 'FAILED' })).toBe(1);
    const failed = text.split('\n').filter((l) => l.startsWith('fiscal_documents_failed_total{'));
    expect(failed).toHaveLength(1);
    expect(Number(failed[0]!.split(' ').at(-1))).toBe(1);
  });
});

describe('vendor_calls_waiting', () => {
  it("sums each vendor's calls waiting for a merchant's share, by vendor only (no merchant label)", async () => {
    const metrics = new ServiceMetrics();
    const shares = new MerchantShares(1);
    metrics.trackMerchantShares(() => shares.waiting());
    const deadline = new AbortController();
    const first = await shares.of('FEYIN', 'shop-1').acquire(deadline.signal);
    const waiting = [shares.of('FEYIN', 'shop-1').acquire(deadline.signal), shares.of('FEYIN', 'shop-1').acquire(deadline.signal)];
    // Another merchant's share of another vendor: its one call runs, none waits.
    await shares.of('LIFEPAY', 'shop-2').acquire(deadline.signal);
    let text = await metrics.registry.metrics();
    expect(sample(text, 'vendor_calls_waiting', { vendor: 'FEYIN' })).toBe(2);
    expect(sample(text, 'vendor_calls_waiting', { vendor: 'LIFEPAY' })).toBe(0);
    expect(sample(text, 'vendor_calls_waiting', { vendor: 'PICKUP' })).toBe(0);
    expect(text).not.toContain('shop-1');
    first();
    await waiting[0];
    text = await metrics.registry.metrics();
    expect(sample(text, 'vendor_calls_waiting', { vendor: 'FEYIN' })).toBe(1);
    deadline.abort();
    await Promise.allSettled(waiting);
    expect(sample(await metrics.registry.metrics(), 'vendor_calls_waiting', { vendor: 'FEYIN' })).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { backoff, CALLBACK_PACING } from '../../src/server/callback-line.js';
import { FakeRouter, inTurn, type Received } from '../helpers/fake-router.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { subscriber, type Subscriber } from '../helpers/subscriber.js';
import { mintToken, TEST_JWT_SECRET } from '../helpers/tokens.js';

const ROUTER_SECRET = 'router-secret-for-callback-tests-0123456789';
const MESSAGE_UPDATED = 'subscription($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status } }';
const DOCUMENT_UPDATED = 'subscription($e: ID!) { fiscalDocumentUpdated(extId: $e) { extId status } }';
const CANCEL = 'mutation($m: ID!) { cancelPrintMessage(msgNo: $m) { cancelled } }';

let ids = 0;
/** The router's POST: a subscription with `extensions.subscription`, router-authorization unless told otherwise. */
async function routerSubscribe(
  t: TestService,
  callbackUrl: string,
  query: string,
  variables: Record<string, unknown>,
  options: { headers?: Record<string, string>; heartbeatIntervalMs?: number } = {},
) {
  const id = `sub-${++ids}`;
  const verifier = `verifier-${ids}`;
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json;callbackSpec=1.0',
      'router-authorization': ROUTER_SECRET,
      ...options.headers,
    },
    body: JSON.stringify({
      query,
      variables,
      extensions: {
        subscription: { callbackUrl, subscriptionId: id, verifier, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 0 },
      },
    }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { id, verifier, status: response.status, headers: response.headers, body };
}

async function metric(t: TestService, prefix: string): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return Number(line?.split(' ')[1] ?? 0);
}
const openCallbacks = (t: TestService) => metric(t, 'graphql_subscriptions_open{transport="callback"}');
/** `graphql_operations_total` of callback subscriptions named `name`, every outcome: each counts once, when it ends. */
async function operationsEnded(t: TestService, name: string): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('graphql_operations_total{') && l.includes(`operation="${name}"`) && l.includes('transport="callback"'))
    .reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
}
const actions = (messages: Received[]) => messages.map((m) => m.body.action);
const statuses = (messages: Received[]) =>
  messages.map((m) => (m.body.payload?.data?.printMessageUpdated as { status?: string } | undefined)?.status);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the router's HTTP callback protocol (ROUTER_SECRET, SUBSCRIPTION_CALLBACK_ORIGINS)", () => {
  let t: TestService;
  let router: FakeRouter;
  let other: FakeRouter;
  beforeAll(async () => {
    router = await new FakeRouter().start();
    other = await new FakeRouter().start();
    t = await startTestService({ env: { ROUTER_SECRET, SUBSCRIPTION_CALLBACK_ORIGINS: router.origin, VENDOR_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await t.stop();
    await router.close();
    await other.close();
  });

  it('check, {data:null}, the current state, the cancel, then complete', async () => {
    const msgNo = 'CB-CANCEL-1';
    t.simulators.feyin.addMessage(msgNo);
    const sub = await routerSubscribe(t, `${router.origin}/callback/a`, MESSAGE_UPDATED, { m: msgNo });
    expect(sub.status).toBe(200);
    expect(sub.body).toEqual({ data: null });
    expect(sub.headers.get('subscription-protocol')).toBe('callback/1.0');
    const first = router.of(sub.id)[0]!;
    // The check came before our answer.
    expect(first.body).toEqual({ kind: 'subscription', action: 'check', id: sub.id, verifier: sub.verifier });
    expect(first.path).toBe('/callback/a');
    expect(first.headers['subscription-protocol']).toBe('callback/1.0');
    expect(first.headers['content-type']).toBe('application/json');

    await eventually(() => router.of(sub.id).length === 2, { what: 'the first next' });
    expect(router.of(sub.id)[1]!.body).toEqual({
      kind: 'subscription',
      action: 'next',
      id: sub.id,
      verifier: sub.verifier,
      payload: { data: { printMessageUpdated: { msgNo, status: 'queued' } } },
    });
    expect(await openCallbacks(t)).toBe(1);

    expect((await t.gql(CANCEL, { m: msgNo }, { 'router-authorization': ROUTER_SECRET })).data).toEqual({
      cancelPrintMessage: { cancelled: true },
    });
    await eventually(() => router.of(sub.id).some((m) => m.body.action === 'complete'), { what: 'complete' });
    const messages = router.of(sub.id).map((m) => m.body);
    expect(messages.map((m) => m.action)).toEqual(['check', 'next', 'next', 'complete']);
    expect(messages[2]!.payload).toEqual({ data: { printMessageUpdated: { msgNo, status: 'cancelled' } } });
    expect(messages[3]).toEqual({ kind: 'subscription', action: 'complete', id: sub.id, verifier: sub.verifier });
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'the gauge back to 0' });
    expect(await metric(t, 'graphql_subscription_events_total{transport="callback"}')).toBeGreaterThanOrEqual(2);
  });

  it('refuses a request without or with a wrong router-authorization; nothing is fetched', async () => {
    const before = router.received.length;
    for (const headers of [{ 'router-authorization': '' }, { 'router-authorization': 'wrong' }]) {
      const sub = await routerSubscribe(t, `${router.origin}/callback/b`, DOCUMENT_UPDATED, { e: 'auth-1' }, { headers });
      expect(sub.status).toBe(401);
      expect(sub.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(router.received.length).toBe(before);
  });

  it('refuses a callback URL whose origin is not listed (another port, another scheme); nothing is fetched', async () => {
    for (const url of [`${other.origin}/callback/c`, `${router.origin.replace('http:', 'https:')}/callback/c`]) {
      const sub = await routerSubscribe(t, url, DOCUMENT_UPDATED, { e: 'origin-1' });
      expect(sub.status).toBe(403);
      expect(sub.body.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/SUBSCRIPTION_CALLBACK_ORIGINS/),
        extensions: { code: 'FORBIDDEN' },
      });
    }
    expect(other.received).toEqual([]);
    expect(router.received.filter((m) => m.path === '/callback/c')).toEqual([]);
  });

  it('refuses queries, over-limit and invalid documents as graphql-ws does; nothing is fetched', async () => {
    const query = await routerSubscribe(t, `${router.origin}/callback/d`, '{ __typename }', {});
    expect(query.status).toBe(400);
    expect(query.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const invalid = await routerSubscribe(t, `${router.origin}/callback/d`, 'subscription { nope }', {});
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(router.received.filter((m) => m.path === '/callback/d')).toEqual([]);
  });

  it('a redirect to the check is not followed: refused, the Location target receives nothing', async () => {
    router.answer = (m) => (m.path === '/callback/e' ? { redirect: `${other.origin}/stolen` } : 204);
    const sub = await routerSubscribe(t, `${router.origin}/callback/e`, DOCUMENT_UPDATED, { e: 'redirect-1' });
    router.answer = () => 204;
    expect(sub.status).toBe(400);
    expect(sub.body.errors?.[0]?.message).toMatch(/check/);
    expect(router.of(sub.id).map((m) => m.body.action)).toEqual(['check']);
    expect(other.received).toEqual([]);
    expect(await openCallbacks(t)).toBe(0);
  });

  it('a callback URL that never answers the check: an error within the deadline, nothing stays open', async () => {
    router.answer = (m) => (m.path === '/callback/f' ? 'hang' : 204);
    const started = Date.now();
    const sub = await routerSubscribe(t, `${router.origin}/callback/f`, DOCUMENT_UPDATED, { e: 'hang-1' });
    router.answer = () => 204;
    expect(sub.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await openCallbacks(t)).toBe(0);
  });

  it('a 404 to a next ends the subscription on our side', async () => {
    const msgNo = 'CB-404-1';
    t.simulators.feyin.addMessage(msgNo);
    router.answer = (m) => (m.body.action === 'next' ? 404 : 204);
    const sub = await routerSubscribe(t, `${router.origin}/callback/g`, MESSAGE_UPDATED, { m: msgNo });
    expect(sub.status).toBe(200);
    await eventually(() => router.of(sub.id).some((m) => m.body.action === 'next'), { what: 'the next' });
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'the gauge back to 0' });
    router.answer = () => 204;
    // Ended: a later change is not sent, and no complete follows a 404.
    await t.gql(CANCEL, { m: msgNo }, { 'router-authorization': ROUTER_SECRET });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(router.of(sub.id).map((m) => m.body.action)).toEqual(['check', 'next']);
  });

  it('heartbeat checks come at the interval, never more often than once a second', async () => {
    const fast = await routerSubscribe(t, `${router.origin}/callback/h`, DOCUMENT_UPDATED, { e: 'beat-1' }, { heartbeatIntervalMs: 10 });
    expect(fast.status).toBe(200);
    await eventually(() => router.of(fast.id).length >= 3, { what: 'two heartbeats', timeoutMs: 4_000 });
    const checks = router.of(fast.id);
    expect(checks.every((m) => m.body.action === 'check' && m.body.verifier === fast.verifier)).toBe(true);
    // 10 ms asked, floored to 1 s: two beats took about two seconds.
    expect(checks.length).toBeLessThanOrEqual(4);
    // A 404 to a heartbeat ends it.
    router.answer = (m) => (m.body.id === fast.id ? 404 : 204);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'ended by the 404', timeoutMs: 4_000 });
    router.answer = () => 204;
  });

  it('takes the snake_case names earlier routers sent', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET },
      body: JSON.stringify({
        query: DOCUMENT_UPDATED,
        variables: { e: 'snake-1' },
        extensions: {
          subscription: {
            callback_url: `${router.origin}/callback/snake`,
            subscription_id: 'snake-1',
            verifier: 'v',
            heartbeat_interval_ms: 1000,
          },
        },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: null });
    expect(router.of('snake-1').map((m) => m.body.action)).toEqual(['check']);
    // The heartbeat's name is read too: a 404 to the beat a second later ends it (the default is 5 s).
    router.answer = (m) => (m.body.id === 'snake-1' ? 404 : 204);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'ended by the 404 to the heartbeat', timeoutMs: 2_500 });
    router.answer = () => 204;
    expect(router.of('snake-1').map((m) => m.body.action)).toEqual(['check', 'check']);
  });

  it('no secret of this service in any callback body, header or log line', () => {
    expect(router.received.length).toBeGreaterThan(5);
    const seen = router.received.map((m) => JSON.stringify(m.headers) + m.text).join('\n') + t.logs.text;
    for (const secret of [ROUTER_SECRET, ...t.secrets]) expect(seen).not.toContain(secret);
  });
});

describe('callback subscriptions share SUBSCRIPTIONS_MAX with graphql-ws; stop sends complete', () => {
  let t: TestService;
  let router: FakeRouter;
  let ws: Subscriber;
  beforeAll(async () => {
    router = await new FakeRouter().start();
    t = await startTestService({ env: { ROUTER_SECRET, SUBSCRIPTION_CALLBACK_ORIGINS: router.origin, SUBSCRIPTIONS_MAX: '1' } });
    ws = subscriber(t.url, { 'router-authorization': ROUTER_SECRET });
  });
  afterAll(async () => {
    await ws.dispose();
    await t.stop();
    await router.close();
  });

  it('one open over WebSocket with SUBSCRIPTIONS_MAX=1: the callback one is refused, retryable, nothing fetched', async () => {
    const open = ws.subscribe(DOCUMENT_UPDATED, { e: 'shared-1' });
    await eventually(() => t.service.server.subscriptions?.size === 1, { what: 'the WebSocket one open' });
    const sub = await routerSubscribe(t, `${router.origin}/callback/max`, DOCUMENT_UPDATED, { e: 'shared-2' });
    expect(sub.status).toBe(503);
    expect(sub.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(router.received).toEqual([]);
    open.unsubscribe();
    await eventually(() => t.service.server.subscriptions?.size === 0, { what: 'the WebSocket one closed' });
  });

  it('on stop, an open callback subscription receives complete', async () => {
    const sub = await routerSubscribe(t, `${router.origin}/callback/stop`, DOCUMENT_UPDATED, { e: 'stop-1' });
    expect(sub.status).toBe(200);
    await t.service.server.stop();
    const complete = router.of(sub.id).find((m) => m.body.action === 'complete');
    expect(complete?.body).toMatchObject({
      id: sub.id,
      verifier: sub.verifier,
      errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } }],
    });
  });
});

describe('callback mode off (no SUBSCRIPTION_CALLBACK_ORIGINS)', () => {
  let t: TestService;
  let router: FakeRouter;
  beforeAll(async () => {
    router = await new FakeRouter().start();
    t = await startTestService({ env: { ROUTER_SECRET } });
  });
  afterAll(async () => {
    await t.stop();
    await router.close();
  });

  it('refuses with a message naming the setting; nothing is fetched', async () => {
    const sub = await routerSubscribe(t, `${router.origin}/callback`, DOCUMENT_UPDATED, { e: 'off-1' });
    expect(sub.status).toBe(400);
    expect(sub.body.errors?.[0]?.message).toMatch(/SUBSCRIPTION_CALLBACK_ORIGINS/);
    expect(router.received).toEqual([]);
  });
});

describe("callback subscriptions with caller auth (the router forwards the caller's token)", () => {
  let t: TestService;
  let router: FakeRouter;
  beforeAll(async () => {
    router = await new FakeRouter().start();
    t = await startTestService({
      env: { ROUTER_SECRET, SUBSCRIPTION_CALLBACK_ORIGINS: router.origin, AUTH_DISABLED: 'false', AUTH_JWT_SECRET: TEST_JWT_SECRET },
    });
  });
  afterAll(async () => {
    await t.stop();
    await router.close();
  });

  it('refuses a caller without the scope (FORBIDDEN) and without a token (401); nothing is fetched', async () => {
    const token = await mintToken({ scope: 'printing:write' });
    const forbidden = await routerSubscribe(
      t,
      `${router.origin}/callback/scope`,
      DOCUMENT_UPDATED,
      { e: 'scope-1' },
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(forbidden.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const anonymous = await routerSubscribe(t, `${router.origin}/callback/scope`, DOCUMENT_UPDATED, { e: 'scope-2' });
    expect(anonymous.status).toBe(401);
    expect(router.received).toEqual([]);
    expect(await openCallbacks(t)).toBe(0);
  });

  it("a token whose merchant is not configured is FORBIDDEN before the check; the router's URL receives nothing", async () => {
    const token = await mintToken({ scope: 'vendors:read', merchant: 'shop-9' });
    const sub = await routerSubscribe(
      t,
      `${router.origin}/callback/merchant`,
      DOCUMENT_UPDATED,
      { e: 'merchant-1' },
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(sub.status).toBe(403);
    expect(sub.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(router.of(sub.id)).toEqual([]);
    expect(await openCallbacks(t)).toBe(0);
  });

  it("the token's expiry ends the subscription: complete with UNAUTHENTICATED", async () => {
    const token = await mintToken({ scope: 'vendors:read', expiresIn: '2s' });
    const sub = await routerSubscribe(
      t,
      `${router.origin}/callback/expiry`,
      DOCUMENT_UPDATED,
      { e: 'expiry-1' },
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(sub.status).toBe(200);
    await eventually(() => router.of(sub.id).some((m) => m.body.action === 'complete'), { what: 'complete at exp', timeoutMs: 5_000 });
    const complete = router.of(sub.id).find((m) => m.body.action === 'complete');
    expect(complete?.body.errors).toEqual([
      { message: 'The bearer token has expired', extensions: { code: 'UNAUTHENTICATED', retryable: false } },
    ]);
    expect(await openCallbacks(t)).toBe(0);
    expect(JSON.stringify(router.received) + t.logs.text).not.toContain(token);
  });

  it('a subscription whose check is still out when stop begins is refused, retryable; nothing stays open', async () => {
    const token = await mintToken({ scope: 'vendors:read' });
    router.answer = (m) => (m.path === '/callback/late' ? { afterMs: 500 } : 204);
    const late = routerSubscribe(
      t,
      `${router.origin}/callback/late`,
      DOCUMENT_UPDATED,
      { e: 'stop-2' },
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    await eventually(() => router.received.some((m) => m.path === '/callback/late'), { what: 'the late check' });
    await t.service.server.stop();
    const refused = await late;
    expect(refused.status).toBe(503);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(router.of(refused.id).map((m) => m.body.action)).toEqual(['check']);
    expect(t.service.server.callbacks?.size).toBe(0);
  });
});

/** A named printMessageUpdated, so its operation can be found in graphql_operations_total. */
const messageUpdated = (name: string) => `subscription ${name}($m: ID!) { printMessageUpdated(msgNo: $m) { msgNo status } }`;

describe("delivery to the router: Apollo's rules for check, retries, order and refusals (production retry waits)", () => {
  let t: TestService;
  let router: FakeRouter;
  const cancel = (msgNo: string) => t.gql(CANCEL, { m: msgNo }, { 'router-authorization': ROUTER_SECRET });
  beforeAll(async () => {
    router = await new FakeRouter().start();
    t = await startTestService({
      env: { ROUTER_SECRET, SUBSCRIPTION_CALLBACK_ORIGINS: router.origin, VENDOR_TIMEOUT_MS: '1000' },
      // Only the heartbeat floor is lowered here; the retry waits are production's.
      callbackPacing: { minHeartbeatMs: 50 },
    });
  });
  afterAll(async () => {
    await t.stop();
    await router.close();
  });

  it('production pacing: 5 tries in all, waiting 100, 200, 400 then 800 ms (never more than 1 s); heartbeats at most once a second', () => {
    expect(CALLBACK_PACING.retryDelaysMs).toEqual([100, 200, 400, 800]);
    expect(backoff(7)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(CALLBACK_PACING.minHeartbeatMs).toBe(1000);
  });

  it('a check answered 200 instead of 204: the router is refused with a 4xx and nothing more goes to its URL', async () => {
    const msgNo = 'CB-CHECK-200';
    t.simulators.feyin.addMessage(msgNo);
    router.answer = (m) => (m.path === '/callback/ok200' ? 200 : 204);
    const sub = await routerSubscribe(t, `${router.origin}/callback/ok200`, MESSAGE_UPDATED, { m: msgNo }, { heartbeatIntervalMs: 50 });
    expect(sub.status).toBe(400);
    expect(sub.body.errors?.[0]?.message).toMatch(/answered 200; it must answer 204/);
    // No state, no heartbeat, no complete follows.
    await sleep(300);
    expect(actions(router.of(sub.id))).toEqual(['check']);
    expect(await openCallbacks(t)).toBe(0);
  });

  it('a next answered 503 twice, then 200: sent again after 100 and 200 ms, taken once; the following next and complete come after it', async () => {
    const msgNo = 'CB-RETRY-503';
    t.simulators.feyin.addMessage(msgNo);
    const eventsBefore = await metric(t, 'graphql_subscription_events_total{transport="callback"}');
    const nextAnswers = inTurn(503, 503, 200);
    router.answer = (m) => (m.path === '/callback/retry' && m.body.action === 'next' ? nextAnswers() : 204);
    const sub = await routerSubscribe(t, `${router.origin}/callback/retry`, messageUpdated('Retried'), { m: msgNo });
    expect(sub.status).toBe(200);
    await eventually(() => router.of(sub.id).length === 4, { what: 'the third try of the first next' });
    const [, first, second, third] = router.of(sub.id);
    expect(statuses([first!, second!, third!])).toEqual(['queued', 'queued', 'queued']);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(95);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(195);
    expect(third!.at - first!.at).toBeLessThan(1_000);
    expect(await openCallbacks(t)).toBe(1);

    await cancel(msgNo);
    await eventually(() => router.of(sub.id).some((m) => m.body.action === 'complete'), { what: 'complete' });
    expect(actions(router.of(sub.id))).toEqual(['check', 'next', 'next', 'next', 'next', 'complete']);
    expect(statuses(router.of(sub.id).slice(1, 5))).toEqual(['queued', 'queued', 'queued', 'cancelled']);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'the gauge back to 0' });
    // Each state counted once, however many tries it took.
    expect(await metric(t, 'graphql_subscription_events_total{transport="callback"}')).toBe(eventsBefore + 2);
    expect(await operationsEnded(t, 'Retried')).toBe(1);
  });

  it('a next whose connection is dropped, then one not answered in time, is sent again and taken on the third try', async () => {
    const msgNo = 'CB-RETRY-LOST';
    t.simulators.feyin.addMessage(msgNo);
    const nextAnswers = inTurn('drop', 'hang', 204);
    router.answer = (m) => (m.path === '/callback/lost' && m.body.action === 'next' ? nextAnswers() : 204);
    const sub = await routerSubscribe(t, `${router.origin}/callback/lost`, MESSAGE_UPDATED, { m: msgNo });
    expect(sub.status).toBe(200);
    await eventually(() => router.of(sub.id).length === 4, { what: 'the third try', timeoutMs: 5_000 });
    const [, , hung, third] = router.of(sub.id);
    // The hung try was given up at its deadline (VENDOR_TIMEOUT_MS=1000), then 200 ms more.
    expect(third!.at - hung!.at).toBeGreaterThanOrEqual(1_150);
    expect(statuses(router.of(sub.id).slice(1))).toEqual(['queued', 'queued', 'queued']);
    const failures = t.logs.records().filter((r) => r.msg === 'callback request failed' && r.subscriptionId === sub.id);
    expect(failures.map((r) => r.try)).toEqual([1, 2]);
    expect(failures[1]!.reason).toBe('no answer within 1000 ms');

    await cancel(msgNo);
    await eventually(() => router.of(sub.id).some((m) => m.body.action === 'complete'), { what: 'complete' });
    expect(actions(router.of(sub.id))).toEqual(['check', 'next', 'next', 'next', 'next', 'complete']);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'the gauge back to 0' });
  });

  it('a next failing all 5 tries: the subscription ends with no complete, its slot is freed and it counts once', async () => {
    const msgNo = 'CB-GIVEN-UP';
    t.simulators.feyin.addMessage(msgNo);
    router.answer = (m) => (m.path === '/callback/down' && m.body.action === 'next' ? 503 : 204);
    const sub = await routerSubscribe(t, `${router.origin}/callback/down`, messageUpdated('GivenUp'), { m: msgNo });
    expect(sub.status).toBe(200);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'ended after 5 tries', timeoutMs: 5_000 });
    const nexts = router.of(sub.id).filter((m) => m.body.action === 'next');
    expect(nexts).toHaveLength(5);
    const waits = nexts.slice(1).map((m, i) => m.at - nexts[i]!.at);
    [100, 200, 400, 800].forEach((wait, i) => expect(waits[i]).toBeGreaterThanOrEqual(wait - 5));
    expect(t.service.server.callbacks?.size).toBe(0);
    expect(await operationsEnded(t, 'GivenUp')).toBe(1);
    // Ended: a later change is not sent, nothing more at all.
    router.answer = () => 204;
    await cancel(msgNo);
    await sleep(300);
    expect(actions(router.of(sub.id))).toEqual(['check', 'next', 'next', 'next', 'next', 'next']);
  });

  it('a next answered 400 (a refusal other than 404): ended at once, not sent again, no complete', async () => {
    const msgNo = 'CB-REFUSED-400';
    t.simulators.feyin.addMessage(msgNo);
    router.answer = (m) => (m.path === '/callback/refused' && m.body.action === 'next' ? 400 : 204);
    const sub = await routerSubscribe(t, `${router.origin}/callback/refused`, messageUpdated('Refused'), { m: msgNo });
    expect(sub.status).toBe(200);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'ended by the refusal' });
    expect(await operationsEnded(t, 'Refused')).toBe(1);
    router.answer = () => 204;
    await cancel(msgNo);
    await sleep(300);
    expect(actions(router.of(sub.id))).toEqual(['check', 'next']);
  });

  it('a change while a next is retried, heartbeats beside: queued, then cancelled, then complete, nothing out of order', async () => {
    const msgNo = 'CB-ORDER-1';
    t.simulators.feyin.addMessage(msgNo);
    const nextAnswers = inTurn(503, 503, 503, 200);
    router.answer = (m) => (m.path === '/callback/order' && m.body.action === 'next' ? nextAnswers() : 204);
    const sub = await routerSubscribe(t, `${router.origin}/callback/order`, MESSAGE_UPDATED, { m: msgNo }, { heartbeatIntervalMs: 50 });
    expect(sub.status).toBe(200);
    await eventually(() => router.of(sub.id).some((m) => m.body.action === 'next'), { what: 'the first try' });
    // The message is cancelled (its final state) while `queued` is still being retried.
    await cancel(msgNo);
    await eventually(() => router.of(sub.id).some((m) => m.body.action === 'complete'), { what: 'complete', timeoutMs: 5_000 });
    await sleep(200);
    const seen = router.of(sub.id);
    const nexts = seen.filter((m) => m.body.action === 'next');
    expect(statuses(nexts)).toEqual(['queued', 'queued', 'queued', 'queued', 'cancelled']);
    // complete is the last thing the router hears; the heartbeats waited their turn (one at a time, none after complete).
    expect(seen.at(-1)!.body.action).toBe('complete');
    const firstTry = seen.indexOf(nexts[0]!);
    const taken = seen.indexOf(nexts[3]!);
    expect(actions(seen.slice(firstTry, taken + 1)).filter((a) => a === 'check').length).toBeLessThanOrEqual(1);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'the gauge back to 0' });
  });
});

describe('stop while a next is being retried: complete still comes last, within the stop bound', () => {
  let t: TestService;
  let router: FakeRouter;
  beforeAll(async () => {
    router = await new FakeRouter().start();
    // Stop's share: min(VENDOR_TIMEOUT_MS, 5 s) = 2 s; the next in flight gets the first half of it.
    t = await startTestService({ env: { ROUTER_SECRET, SUBSCRIPTION_CALLBACK_ORIGINS: router.origin, VENDOR_TIMEOUT_MS: '2000' } });
  });
  afterAll(async () => {
    await t.stop();
    await router.close();
  });

  it('a next retried (503) is taken, then complete; a next hanging is cut at half the bound, then complete', async () => {
    let stopping = false;
    router.answer = (m) => {
      if (m.body.action !== 'next') return 204;
      if (m.path === '/callback/flaky') return stopping ? 204 : 503;
      return 'hang';
    };
    t.simulators.feyin.addMessage('CB-STOP-FLAKY');
    t.simulators.feyin.addMessage('CB-STOP-HUNG');
    const flaky = await routerSubscribe(t, `${router.origin}/callback/flaky`, MESSAGE_UPDATED, { m: 'CB-STOP-FLAKY' });
    const hung = await routerSubscribe(t, `${router.origin}/callback/hung`, MESSAGE_UPDATED, { m: 'CB-STOP-HUNG' });
    expect([flaky.status, hung.status]).toEqual([200, 200]);
    await eventually(() => router.of(flaky.id).filter((m) => m.body.action === 'next').length === 2, { what: 'a next being retried' });
    await eventually(() => router.of(hung.id).some((m) => m.body.action === 'next'), { what: 'a next hanging' });

    stopping = true;
    const started = Date.now();
    await t.service.server.stop();
    const took = Date.now() - started;
    // The 2 s bound, with room for a busy machine.
    expect(took).toBeLessThan(4_000);

    // Refused while the stop had not begun (at least twice), then taken; complete last.
    const flakyActions = actions(router.of(flaky.id));
    expect(flakyActions[0]).toBe('check');
    expect(flakyActions.at(-1)).toBe('complete');
    expect(flakyActions.slice(1, -1).every((action) => action === 'next')).toBe(true);
    expect(flakyActions.length - 2).toBeGreaterThanOrEqual(3);
    expect(actions(router.of(hung.id))).toEqual(['check', 'next', 'complete']);
    for (const id of [flaky.id, hung.id]) {
      expect(router.of(id).at(-1)!.body).toMatchObject({ action: 'complete', errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    }
    // The hung next was cut at about half the 2 s bound, then complete went.
    const hungComplete = router.of(hung.id).at(-1)!;
    expect(hungComplete.at - started).toBeGreaterThanOrEqual(900);
    expect(t.service.server.callbacks?.size).toBe(0);
  });
});

describe('heartbeats: each retried, 5 failed in a row end the subscription (short retry waits)', () => {
  let t: TestService;
  let router: FakeRouter;
  beforeAll(async () => {
    router = await new FakeRouter().start();
    t = await startTestService({
      env: { ROUTER_SECRET, SUBSCRIPTION_CALLBACK_ORIGINS: router.origin, VENDOR_TIMEOUT_MS: '1000' },
      callbackPacing: { retryDelaysMs: [5, 10, 20, 40], minHeartbeatMs: 100 },
    });
  });
  afterAll(async () => {
    await t.stop();
    await router.close();
  });

  it('5 heartbeats failed in a row (each after its 5 tries) end it: no complete, slot freed', async () => {
    const checks = inTurn(204, 503);
    router.answer = (m) => (m.path === '/callback/dead' ? checks() : 204);
    const sub = await routerSubscribe(
      t,
      `${router.origin}/callback/dead`,
      messageUpdated('Heartless'),
      { m: 'CB-NONE' },
      { heartbeatIntervalMs: 100 },
    );
    expect(sub.status).toBe(200);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'ended by 5 failed heartbeats', timeoutMs: 5_000 });
    await sleep(300);
    // The first check, then 5 heartbeats of 5 tries each; nothing after.
    expect(actions(router.of(sub.id))).toEqual(Array(1 + 5 * 5).fill('check'));
    expect(await operationsEnded(t, 'Heartless')).toBe(1);
  });

  it('4 failed heartbeats then one taken keep it open: the count starts again', async () => {
    const failedBeat = (answer: 'drop' | 503) => Array<'drop' | 503>(5).fill(answer);
    // 4 failed, 1 taken, 4 failed again, then taken for good: never 5 in a row.
    const checks = inTurn(
      204,
      ...failedBeat(503),
      ...failedBeat('drop'),
      ...failedBeat(503),
      ...failedBeat(503),
      204,
      ...failedBeat(503),
      ...failedBeat(503),
      ...failedBeat(503),
      ...failedBeat(503),
      204,
    );
    router.answer = (m) => (m.path === '/callback/alive' ? checks() : 204);
    const sub = await routerSubscribe(
      t,
      `${router.origin}/callback/alive`,
      DOCUMENT_UPDATED,
      { e: 'beat-alive' },
      { heartbeatIntervalMs: 100 },
    );
    expect(sub.status).toBe(200);
    await eventually(() => router.of(sub.id).length >= 1 + 20 + 1 + 20 + 2, { what: 'the heartbeats', timeoutMs: 8_000 });
    expect(t.service.server.callbacks?.size).toBe(1);
    // Ended by a 404 to a heartbeat, at once.
    router.answer = (m) => (m.path === '/callback/alive' ? 404 : 204);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'ended by the 404' });
    const count = router.of(sub.id).length;
    await sleep(300);
    expect(router.of(sub.id)).toHaveLength(count);
    expect(actions(router.of(sub.id)).every((a) => a === 'check')).toBe(true);
  });

  it('a heartbeat answered 403 (a refusal other than 404): ended at once, not retried, no complete', async () => {
    const checks = inTurn(204, 403);
    router.answer = (m) => (m.path === '/callback/forbidden' ? checks() : 204);
    const sub = await routerSubscribe(
      t,
      `${router.origin}/callback/forbidden`,
      DOCUMENT_UPDATED,
      { e: 'beat-403' },
      { heartbeatIntervalMs: 100 },
    );
    expect(sub.status).toBe(200);
    await eventually(async () => (await openCallbacks(t)) === 0, { what: 'ended by the 403' });
    await sleep(300);
    expect(actions(router.of(sub.id))).toEqual(['check', 'check']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { FakeRouter } from '../helpers/fake-router.js';
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

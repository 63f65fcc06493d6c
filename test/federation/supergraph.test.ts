import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APIUSB_SEED, FEYIN_SEED, LIFEPAY_SEED, PICKUP_SEED } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { readFileSync } from 'node:fs';
import { composeWithStores, missingRouterDirectives, withoutRequiresScopes } from '../../scripts/compose.js';
import { startStoresSubgraph } from './stores-subgraph.js';

const UNKNOWN_DEVICE = '4699999999999999';

describe('the subgraph inside a real supergraph (gateway ↔ HTTP ↔ service ↔ simulators)', () => {
  let t: TestService;
  let stores: Awaited<ReturnType<typeof startStoresSubgraph>>;
  let gateway: ApolloServer;
  const statusCalls = () => t.sandbox.requestsTo('/feyin').filter((r) => r.path !== '/token');

  beforeAll(async () => {
    t = await startTestService();
    stores = await startStoresSubgraph([
      {
        id: 'S1',
        name: 'Arbat',
        deviceNo: FEYIN_SEED.onlinePrinter,
        machineNo: PICKUP_SEED.onlineMachine,
        orderId: APIUSB_SEED.cancellableOrders[0].orderId,
        serial: LIFEPAY_SEED.register,
      },
      { id: 'S2', name: 'Tverskaya', deviceNo: FEYIN_SEED.offlinePrinter },
      { id: 'S3', name: 'Nevsky', deviceNo: FEYIN_SEED.onlinePrinter },
      { id: 'S4', name: 'Sadovaya', deviceNo: FEYIN_SEED.offlinePrinter },
      { id: 'S5', name: 'Closed', deviceNo: UNKNOWN_DEVICE },
    ]);
    // Apollo Gateway cannot enforce @requiresScopes, so it gets the supergraph without it (see compose.ts).
    const sdl = withoutRequiresScopes(readFileSync('schema/subgraph.graphql', 'utf8'));
    const composition = composeWithStores({ vendors: `${t.url}/graphql`, stores: stores.url }, sdl);
    expect(composition.errors).toEqual([]);
    gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composition.supergraphSdl! }) });
    await gateway.start();
  });
  afterAll(async () => {
    await gateway?.stop();
    await stores?.stop();
    await t?.stop();
  });
  beforeEach(() => {
    t.sandbox.requests.length = 0;
    t.sandbox.clearFaults();
  });

  const run = async (query: string) => {
    const response = await gateway.executeOperation({ query });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
    };
  };

  it('4 stores whose printers are 2 distinct devices cost at most 2 status calls', async () => {
    const result = await run(`{ stores { id printer { deviceNo status paperStatus } } }`);
    expect(result.errors).toBeUndefined();
    const list = result.data?.stores as Array<{ id: string; printer: { deviceNo: string; status: string } | null }>;
    expect(list.slice(0, 4).map((s) => s.printer?.status)).toEqual(['online', 'offline', 'online', 'offline']);
    expect(statusCalls().length).toBeLessThanOrEqual(2);
  });

  it('an unknown device resolves to null while its neighbours resolve', async () => {
    // _entities answers null for the unknown key; the gateway keeps the store's own
    // reference ({ deviceNo }) and leaves our fields null, with no error.
    const result = await run(`{ stores { id printer { deviceNo status } } }`);
    expect(result.errors).toBeUndefined();
    const list = result.data?.stores as Array<{ id: string; printer: { deviceNo: string; status: string | null } | null }>;
    expect(list.find((s) => s.id === 'S5')?.printer).toEqual({ deviceNo: UNKNOWN_DEVICE, status: null });
    expect(list.find((s) => s.id === 'S1')?.printer?.status).toBe('online');
    const direct = await t.gql<{ _entities: unknown[] }, { r: unknown }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Printer { deviceNo status } } }',
      {
        r: [
          { __typename: 'Printer', deviceNo: UNKNOWN_DEVICE },
          { __typename: 'Printer', deviceNo: FEYIN_SEED.onlinePrinter },
        ],
      },
    );
    expect(direct.errors).toBeUndefined();
    expect(direct.data?._entities).toEqual([null, { deviceNo: FEYIN_SEED.onlinePrinter, status: 'online' }]);
  });

  it('a query across both subgraphs reaches every domain', async () => {
    const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
    const cancel = await t.gql(
      'mutation($o: ID!, $t: ID!) { cancelOrder(orderId: $o, taskId: $t, reason: "closing") { order { status } } }',
      { o: orderId, t: taskId },
    );
    expect(cancel.errors).toBeUndefined();
    const print = await t.gql(
      'mutation($s: String!) { printXReport(input: { targetSerial: $s, extId: "gw-x-1" }) { document { status } } }',
      { s: LIFEPAY_SEED.register },
    );
    expect(print.errors).toBeUndefined();

    const result = await run(`{
      store(id: "S1") {
        name
        printer { status }
        machine { machineNo pickupCodes(productId: "${PICKUP_SEED.productId}") { id status } }
        lastCourierOrder { orderId status cancelReason }
        register { serial documents { extId status } }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const store = result.data?.store as Record<string, any>;
    expect(store.printer.status).toBe('online');
    expect(store.machine.pickupCodes.length).toBeGreaterThan(0);
    expect(store.lastCourierOrder).toEqual({ orderId, status: 'CANCELLED', cancelReason: 'closing' });
    expect(store.register.documents).toContainEqual({ extId: 'gw-x-1', status: 'ACCEPTED' });
  });

  it('a vendor failure is an error on that entity only', async () => {
    // Two distinct devices: one status call each; the first one answered fails.
    t.sandbox.inject('/feyin', { kind: 'status', status: 503 });
    const result = await run(`{ a: store(id: "S1") { printer { status } } b: store(id: "S2") { printer { status } } }`);
    const statuses = [result.data?.a, result.data?.b].map((s) => (s as { printer: { status: string | null } }).printer.status);
    expect(statuses.filter((status) => status === null)).toHaveLength(1);
    expect(statuses.filter((status) => status === 'online' || status === 'offline')).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'FEYIN', retryable: true });
  });
});

describe("the router's directives in the composed supergraph", () => {
  const urls = { vendors: 'http://vendors.invalid/graphql', stores: 'http://stores.invalid/graphql' };

  it('keeps every @requiresScopes, @cost and @listSize the subgraph publishes', () => {
    const composition = composeWithStores(urls);
    expect(composition.errors).toEqual([]);
    expect(missingRouterDirectives(composition.supergraphSdl!)).toEqual([]);
    expect(composition.supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    expect(composition.supergraphSdl).toMatch(
      /pickupCodes\(productId: ID!\): \[PickupCode!\]!.* @cost\(weight: 10\) @listSize\(assumedSize: 3\)/,
    );
  });

  it('reports a directive the supergraph lost (the check in .ci/run can fail)', () => {
    const published = readFileSync('schema/subgraph.graphql', 'utf8');
    const composition = composeWithStores(urls, withoutRequiresScopes(published));
    expect(missingRouterDirectives(composition.supergraphSdl!, published)).toContain(
      'Query.printer @requiresScopes(scopes: [["vendors:read"]])',
    );
    expect(missingRouterDirectives(composition.supergraphSdl!, withoutRequiresScopes(published))).toEqual([
      '@requiresScopes (used by no field of the subgraph)',
    ]);
  });

  it('is refused whole by Apollo Gateway, which cannot enforce @requiresScopes (hence the gateway above runs without it)', async () => {
    const gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composeWithStores(urls).supergraphSdl! }) });
    await expect(gateway.start()).rejects.toThrow(/requiresScopes\/v0\.1 is for: SECURITY but is unsupported/);
  });
});

describe('_entities batching', () => {
  let t: TestService;
  const devices = Array.from({ length: 10 }, (_, i) => `47000000000000${String(i).padStart(2, '0')}`);
  const representations = Array.from({ length: 100 }, (_, i) => ({ __typename: 'Printer', deviceNo: devices[i % 10] }));
  const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Printer { deviceNo status } } }';

  beforeAll(async () => {
    t = await startTestService();
    for (const deviceNo of devices) {
      t.simulators.feyin.printers.set(deviceNo, { status: 'online', paperStatus: 'nomal', since: Date.now(), lastConnectedAt: Date.now() });
    }
  });
  afterAll(() => t.stop());
  beforeEach(() => {
    t.sandbox.requests.length = 0;
  });

  const entities = async () => {
    const answer = await t.gql<{ _entities: Array<{ deviceNo: string; status: string } | null> }, { r: unknown }>(query, {
      r: representations,
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?._entities).toHaveLength(100);
    expect(answer.data?._entities.every((e, i) => e?.deviceNo === devices[i % 10] && e.status === 'online')).toBe(true);
    return t.sandbox.requestsTo('/feyin').filter((r) => r.path !== '/token');
  };

  it('100 representations of 10 distinct printers cost one GET /devices', async () => {
    const calls = await entities();
    expect(calls.map((c) => c.path)).toEqual(['/devices']);
  });

  it('fall back to at most 10 status calls when the device list is unusable', async () => {
    const original = t.simulators.feyin.handle.bind(t.simulators.feyin);
    t.simulators.feyin.handle = (request) =>
      request.path === '/devices' ? { json: { errcode: 0, devices: [{ id: 1 }] } } : original(request);
    try {
      const calls = await entities();
      expect(calls.filter((c) => c.path.endsWith('/status')).length).toBeLessThanOrEqual(10);
      expect(new Set(calls.filter((c) => c.path.endsWith('/status')).map((c) => c.path)).size).toBe(10);
    } finally {
      t.simulators.feyin.handle = original;
    }
  });

  it('bounds the calls in flight per vendor (VENDOR_CONCURRENCY)', async () => {
    const limited = await startTestService({ env: { VENDOR_CONCURRENCY: '2' } });
    try {
      let inFlight = 0;
      let peak = 0;
      const original = limited.simulators.feyin.handle.bind(limited.simulators.feyin);
      limited.simulators.feyin.handle = async (request) => {
        if (request.path === '/devices') return { json: { errcode: 0 } };
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight -= 1;
        return original(request);
      };
      const answer = await limited.gql(query, { r: representations });
      expect(answer.data).toBeDefined();
      expect(peak).toBe(2);
    } finally {
      await limited.stop();
    }
  });
});

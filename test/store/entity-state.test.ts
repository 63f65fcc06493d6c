import { graphql } from 'graphql';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_MERCHANT, merchantOf } from '../../src/merchants/merchant.js';
import { vendorHttpFactory } from '../../src/vendor-http/vendor-http.js';
import { CancelledOrders } from '../../src/logistics/cancelled-orders.js';
import { createLogistics } from '../../src/logistics/index.js';
import { KnownPickupCodes, type KnownPickupCode } from '../../src/pickup/known-pickup-codes.js';
import { createPickup } from '../../src/pickup/index.js';
import { buildSubgraph } from '../../src/graphql/schema.js';
import { type Store } from '../../src/store/index.js';
import { storesPerTest } from '../helpers/database.js';
import { LogCapture } from '../helpers/log-capture.js';

/** Counts the statements run through a store, by kind (`SelectQueryNode`, `UpdateQueryNode`, …). */
class QueryCounter implements KyselyPlugin {
  readonly kinds: string[] = [];

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.kinds.push(args.node.kind);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }

  count(kind: string): number {
    return this.kinds.filter((k) => k === kind).length;
  }
}

const counted = (store: Store, counter: QueryCounter): Store => ({ ...store, db: store.db.withPlugin(counter) });

const DAY_SEC = 86_400;
const code = (id: string, machineNo: string, status: KnownPickupCode['status'] = 'UNUSED'): KnownPickupCode => ({
  id,
  machineNo,
  code: `9${id}`,
  status,
  createdAt: new Date('2025-01-01T00:00:00.000Z'),
  expiresAt: new Date('2025-02-01T00:00:00.000Z'),
  quantity: 1,
});

describe.each(['sqlite', 'postgres'] as const)('entity state in the store (%s)', (dialect) => {
  const { open, opened } = storesPerTest(dialect);

  it('a cancelled order written through one connection reads the same through another, and after reopening', async () => {
    const cancelledAt = new Date('2025-03-01T10:00:00.000Z');
    const clock = () => cancelledAt.getTime();
    await new CancelledOrders({ store: await open(), maxAgeSec: DAY_SEC, now: clock }).remember('default', {
      orderId: 'A1',
      taskId: 'T1',
      reason: 'Customer changed their mind',
      cancelledAt,
    });
    const other = new CancelledOrders({ store: await open(), maxAgeSec: DAY_SEC, now: clock });
    expect(await other.find('default', 'A1')).toEqual({ orderId: 'A1', taskId: 'T1', reason: 'Customer changed their mind', cancelledAt });
    expect(await other.find('default', 'never-seen')).toBeUndefined();

    for (const store of opened.splice(0)) await store.close();
    const reopened = new CancelledOrders({ store: await open(), maxAgeSec: DAY_SEC, now: clock });
    expect((await reopened.find('default', 'A1'))?.reason).toBe('Customer changed their mind');
  });

  it('removes rows older than the age limit on a later write, at most once a minute, and keeps fresh ones', async () => {
    let now = Date.parse('2025-03-01T00:00:00.000Z');
    const clock = () => now;
    const store = await open();
    const orders = new CancelledOrders({ store, maxAgeSec: DAY_SEC, now: clock });
    const codes = new KnownPickupCodes({ store, maxAgeSec: DAY_SEC, now: clock });
    const rows = async () => ({
      orders: (await store.db.selectFrom('cancelled_orders').select('order_id').orderBy('order_id').execute()).map((r) => r.order_id),
      codes: (await store.db.selectFrom('pickup_codes').select('id').orderBy('id').execute()).map((r) => r.id),
    });

    await orders.remember('default', { orderId: 'old', taskId: 'T', reason: 'r', cancelledAt: orders.now() });
    await codes.rememberAll('default', [code('100', '10000001')]);
    now += (DAY_SEC - 60) * 1000;
    await orders.remember('default', { orderId: 'fresh', taskId: 'T', reason: 'r', cancelledAt: orders.now() });
    await codes.rememberAll('default', [code('200', '10000001')]);
    expect(await rows()).toEqual({ orders: ['fresh', 'old'], codes: ['100', '200'] });

    now += 120 * 1000; // `old` and `100` are now a day and a minute old
    // Expired rows read as unknown at once, before any write removes them.
    expect(await orders.find('default', 'old')).toBeUndefined();
    expect(await codes.find('default', '100')).toBeUndefined();
    expect((await rows()).orders).toContain('old');

    await orders.remember('default', { orderId: 'newest', taskId: 'T', reason: 'r', cancelledAt: orders.now() });
    await codes.markCancelled('default', '10000001', '300');
    expect(await rows()).toEqual({ orders: ['fresh', 'newest'], codes: ['200', '300'] });
    expect((await orders.find('default', 'fresh'))?.orderId).toBe('fresh');
    expect((await codes.find('default', '200'))?.status).toBe('UNUSED');

    // Within the minute after a removal, writes remove nothing: an expired row waits for the next removal.
    const freshAt = (await orders.find('default', 'fresh'))!.cancelledAt.getTime();
    now = freshAt + (DAY_SEC - 10) * 1000;
    await orders.remember('default', { orderId: 'later', taskId: 'T', reason: 'r', cancelledAt: orders.now() }); // removes, keeps `fresh`
    now += 30_000; // `fresh` has expired, 30 s after the last removal
    await orders.remember('default', { orderId: 'later2', taskId: 'T', reason: 'r', cancelledAt: orders.now() });
    expect((await rows()).orders).toContain('fresh');
    expect(await orders.find('default', 'fresh')).toBeUndefined();
    now += 31_000;
    await orders.remember('default', { orderId: 'latest', taskId: 'T', reason: 'r', cancelledAt: orders.now() });
    expect((await rows()).orders).toEqual(['later', 'later2', 'latest', 'newest']);
  });

  it('cancel-all marks every UNUSED code of the machine in one UPDATE, and a cancel by id is remembered unseen', async () => {
    const store = await open();
    const counter = new QueryCounter();
    const codes = new KnownPickupCodes({ store: counted(store, counter), maxAgeSec: DAY_SEC });
    const machine = '10000001';
    const unused = Array.from({ length: 40 }, (_, i) => code(String(1000 + i), machine));
    await codes.rememberAll('default', [
      ...unused,
      code('2000', machine, 'USED'),
      code('2001', machine, 'EXPIRED'),
      code('3000', '10000009'),
    ]);

    const before = counter.kinds.length;
    await codes.markCancelled('default', machine);
    expect(counter.kinds.slice(before).filter((kind) => kind !== 'DeleteQueryNode')).toEqual(['UpdateQueryNode']);

    const status = async (ids: string[]) => (await codes.findMany('default', ids)).map((c) => [c.id, c.status]);
    expect(new Set((await status(unused.map((c) => c.id))).map(([, s]) => s))).toEqual(new Set(['CANCELLED']));
    expect(await status(['2000', '2001', '3000'])).toEqual(
      expect.arrayContaining([
        ['2000', 'USED'],
        ['2001', 'EXPIRED'],
        ['3000', 'UNUSED'],
      ]),
    );

    await codes.markCancelled('default', '10000009', '4242');
    expect(await codes.find('default', '4242')).toMatchObject({ id: '4242', machineNo: '10000009', status: 'CANCELLED', code: null });
  });

  it('a listing that races with a cancel on another replica never undoes the cancellation', async () => {
    const [a, b] = [
      new KnownPickupCodes({ store: await open(), maxAgeSec: DAY_SEC }),
      new KnownPickupCodes({ store: await open(), maxAgeSec: DAY_SEC }),
    ];
    const machine = '10000001';
    const listing = Array.from({ length: 50 }, (_, i) => code(String(5000 + i), machine));
    await a.rememberAll('default', listing);
    // Replica B cancels everything while replica A writes a listing it fetched just before.
    await Promise.all([
      b.markCancelled('default', machine),
      a.rememberAll('default', listing),
      b.markCancelled('default', machine, '5000'),
    ]);
    await a.rememberAll('default', listing); // a stale listing arriving after the cancel
    const found = await b.findMany(
      'default',
      listing.map((c) => c.id),
    );
    expect(found).toHaveLength(50);
    // Whichever order the statements ran in, every code B cancelled stays cancelled, with what the listing said of it.
    expect(found.every((c) => c.status === 'CANCELLED')).toBe(true);
    expect(found.find((c) => c.id === '5000')).toMatchObject({ status: 'CANCELLED', code: '95000', quantity: 1 });
  });

  it('_entities with 50 LogisticsOrder and 50 PickupCode references costs one store query per type', async () => {
    const store = await open();
    const counter = new QueryCounter();
    const logger = new LogCapture().logger;
    const config = loadConfig({ VENDOR_MODE: 'live', AUTH_DISABLED: 'true' });
    const vendorHttp = vendorHttpFactory({ timeoutMs: 1000, maxBodyBytes: 65_536, logger });
    const shared = { store: counted(store, counter), vendorHttp, entityStateMaxAgeSec: DAY_SEC, logger };
    const merchant = merchantOf(DEFAULT_MERCHANT, config);
    const base = { caller: null, log: logger, requestId: 'batch', merchant, merchantId: merchant.id };
    const pickup = createPickup(shared);
    const logistics = createLogistics({ ...shared, tokenFetchLeaseMs: 1000 });

    const orders = new CancelledOrders({ store, maxAgeSec: DAY_SEC });
    for (let i = 0; i < 25; i += 1) {
      await orders.remember('default', { orderId: `O${i}`, taskId: `T${i}`, reason: `reason ${i}`, cancelledAt: orders.now() });
    }
    await new KnownPickupCodes({ store, maxAgeSec: DAY_SEC }).rememberAll(
      'default',
      Array.from({ length: 25 }, (_, i) => code(String(7000 + i), '10000001')),
    );

    const representations = [
      ...Array.from({ length: 50 }, (_, i) => ({ __typename: 'LogisticsOrder', orderId: `O${i}` })),
      ...Array.from({ length: 50 }, (_, i) => ({ __typename: 'PickupCode', id: String(7000 + i) })),
    ];
    const before = counter.kinds.length;
    const result = await graphql({
      schema: await buildSubgraph([pickup, logistics]),
      source:
        'query($r: [_Any!]!) { _entities(representations: $r) { ' +
        '... on LogisticsOrder { orderId status cancelReason } ... on PickupCode { id codeStatus: status } } }',
      variableValues: { r: representations },
      contextValue: Object.assign(base, pickup.context(base), logistics.context(base)),
    });
    expect(result.errors).toBeUndefined();
    expect(counter.kinds.slice(before)).toEqual(['SelectQueryNode', 'SelectQueryNode']);

    const entities = (result.data as { _entities: Array<Record<string, unknown> | null> })._entities;
    expect(entities[3]).toEqual({ orderId: 'O3', status: 'CANCELLED', cancelReason: 'reason 3' });
    expect(entities[30]).toEqual({ orderId: 'O30', status: 'UNKNOWN', cancelReason: null });
    expect(entities[50]).toEqual({ id: '7000', codeStatus: 'UNUSED' });
    expect(entities[99]).toBeNull();
  });
});

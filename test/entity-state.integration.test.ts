import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelOrderDocument, CancelPickupCodesDocument, PickupCodesDocument } from './__generated__/graphql.js';
import { APIUSB_SEED, PICKUP_SEED, startSandbox, type RunningSandbox } from '../src/sandbox/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { startTestService, type TestService } from './helpers/service.js';

/** A LogisticsOrder or a PickupCode (status aliased: the two enums may not share a field name). */
interface Entity {
  orderId?: string;
  status?: string;
  cancelReason?: string | null;
  cancelledAt?: string | null;
  id?: string;
  code?: string | null;
  codeStatus?: string | null;
  machine?: { machineNo: string } | null;
}

const ENTITIES =
  'query($r: [_Any!]!) { _entities(representations: $r) { ' +
  '... on LogisticsOrder { orderId status cancelReason cancelledAt } ' +
  '... on PickupCode { id code codeStatus: status machine { machineNo } } } }';

const entities = async (t: TestService, representations: unknown[]): Promise<Array<Entity | null>> => {
  const answer = await t.gql<{ _entities: Array<Entity | null> }, { r: unknown[] }>(ENTITIES, { r: representations });
  expect(answer.errors).toBeUndefined();
  return answer.data!._entities;
};

describe('entity state shared by replicas and kept across restarts', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a cancel through one instance reads CANCELLED, with reason and time, through another on the same PostgreSQL', async () => {
    const database: TestDatabase = await freshDatabase();
    cleanups.push(() => database.drop());
    // One set of simulators behind both instances, as the vendors are behind every replica.
    const sandbox: RunningSandbox = await startSandbox();
    cleanups.push(() => sandbox.sandbox.close());
    const env = { DATABASE_URL: database.url };
    const a = await startTestService({ env, sandbox });
    cleanups.push(() => a.stop());
    const b = await startTestService({ env, sandbox });
    cleanups.push(() => b.stop());

    const { orderId, taskId } = APIUSB_SEED.cancellableOrders[0];
    const cancel = await a.gql(CancelOrderDocument, { orderId, taskId, reason: 'Customer changed their mind' });
    expect(cancel.errors).toBeUndefined();
    const listed = await a.gql(PickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, productId: PICKUP_SEED.productId });
    expect(listed.errors).toBeUndefined();
    const [one, ...others] = PICKUP_SEED.unusedCodes;
    expect((await a.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: one })).errors).toBeUndefined();

    const [order, unknown, cancelledCode, used] = await entities(b, [
      { __typename: 'LogisticsOrder', orderId },
      { __typename: 'LogisticsOrder', orderId: 'never-seen' },
      { __typename: 'PickupCode', id: one },
      { __typename: 'PickupCode', id: PICKUP_SEED.usedCode },
    ]);
    expect(order).toEqual({ orderId, status: 'CANCELLED', cancelReason: 'Customer changed their mind', cancelledAt: expect.any(String) });
    expect(Math.abs(Date.parse(order!.cancelledAt!) - Date.now())).toBeLessThan(60_000);
    expect(unknown).toMatchObject({ status: 'UNKNOWN', cancelReason: null, cancelledAt: null });
    // What A listed (the code itself) and what A cancelled (the status), both read through B.
    const listedCode = listed.data!.machine!.pickupCodes.find((c) => c.id === one)!.code;
    expect(cancelledCode).toEqual({
      id: one,
      code: listedCode,
      codeStatus: 'CANCELLED',
      machine: { machineNo: PICKUP_SEED.onlineMachine },
    });
    expect(used).toMatchObject({ id: PICKUP_SEED.usedCode, codeStatus: 'USED' });

    // And the other way round: cancel-all through B, read through A.
    expect((await b.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine })).errors).toBeUndefined();
    const after = await entities(
      a,
      [...others, PICKUP_SEED.usedCode].map((id) => ({ __typename: 'PickupCode', id })),
    );
    expect(after.map((c) => c?.codeStatus)).toEqual(['CANCELLED', 'CANCELLED', 'USED']);
    // B's own answer agrees, with the time A recorded.
    expect((await entities(b, [{ __typename: 'LogisticsOrder', orderId }]))[0]).toEqual(order);
  });

  it('on SQLite the same survives a restart on the same DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vendor-ops-entities-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATA_DIR: dataDir };
    const first = await startTestService({ env });
    const { orderId, taskId } = APIUSB_SEED.cancellableOrders[1];
    try {
      expect((await first.gql(CancelOrderDocument, { orderId, taskId, reason: 'Wrong address' })).errors).toBeUndefined();
      expect(
        (await first.gql(PickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, productId: PICKUP_SEED.productId })).errors,
      ).toBeUndefined();
      expect((await first.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine })).errors).toBeUndefined();
    } finally {
      await first.stop();
    }
    const remembered = await (async () => {
      const second = await startTestService({ env });
      try {
        return await entities(second, [
          { __typename: 'LogisticsOrder', orderId },
          ...PICKUP_SEED.unusedCodes.map((id) => ({ __typename: 'PickupCode', id })),
          { __typename: 'PickupCode', id: PICKUP_SEED.expiredCode },
        ]);
      } finally {
        await second.stop();
      }
    })();
    expect(remembered[0]).toMatchObject({ orderId, status: 'CANCELLED', cancelReason: 'Wrong address', cancelledAt: expect.any(String) });
    expect(remembered.slice(1).map((c) => c?.codeStatus)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'EXPIRED']);
  });
});

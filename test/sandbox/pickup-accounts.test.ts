import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPickupPayload, type PickupFields } from '../../src/pickup/pickup-signer.js';
import {
  PICKUP_SANDBOX_CREDENTIALS as A,
  PICKUP_SANDBOX_SECOND_CREDENTIALS as B,
  PICKUP_SECOND_SEED,
  PICKUP_SEED,
  startSandbox,
  type RunningSandbox,
} from '../../src/sandbox/index.js';
import type { PickupCredentials } from '../../src/sandbox/pickup-simulator.js';

interface Answer {
  code: number;
  message: string;
  data: unknown;
}

/** The pickup-code API on the running simulator, as a merchant's client calls it: its headers, its signature. */
function pickupClient(running: RunningSandbox) {
  const base = running.sandbox.baseUrl(running.simulators.pickup);
  const call = async (method: string, path: string, c: PickupCredentials, fields: PickupFields, signKey = c.signKey) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', Appid: c.appId, AppSecret: c.appSecret },
      body: JSON.stringify(sealPickupPayload({ ...fields, timestamp: String(Math.floor(Date.now() / 1000)) }, signKey)),
    });
    return (await response.json()) as Answer;
  };
  return {
    list: (c: PickupCredentials, machineNo: string, productId: string) =>
      call('POST', `/api/openapi/v1/products/${productId}/pickup_code`, c, { machine_no: machineNo }),
    cancel: (c: PickupCredentials, machineNo: string, id: string, signKey?: string) =>
      call('PUT', '/api/openapi/v1/pickup_codes', c, { machine_no: machineNo, method: 'pickup_code.delete.id', id }, signKey),
    cancelAll: (c: PickupCredentials, machineNo: string) =>
      call('PUT', '/api/openapi/v1/pickup_codes', c, { machine_no: machineNo, method: 'pickup_code.delete.all' }),
  };
}

describe('the pickup-code simulator knows two merchants, each alone with its own machines and codes', () => {
  let running: RunningSandbox;
  let pickup: ReturnType<typeof pickupClient>;
  beforeAll(async () => {
    running = await startSandbox();
    pickup = pickupClient(running);
  });
  afterAll(() => running.sandbox.close());

  it('the second merchant has credentials and ids of its own', () => {
    expect(B.appId).not.toBe(A.appId);
    expect(B.appSecret).not.toBe(A.appSecret);
    expect(B.signKey).not.toBe(A.signKey);
    const first = Object.values(PICKUP_SEED).flat();
    expect(
      Object.values(PICKUP_SECOND_SEED)
        .flat()
        .filter((id) => first.includes(id)),
    ).toEqual([]);
  });

  it('the second merchant lists and cancels its own codes', async () => {
    const listed = await pickup.list(B, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SECOND_SEED.productId);
    expect(listed.code).toBe(0);
    expect((listed.data as Array<{ id: number }>).map((c) => String(c.id)).sort()).toEqual(
      [...PICKUP_SECOND_SEED.unusedCodes, PICKUP_SECOND_SEED.usedCode, PICKUP_SECOND_SEED.expiredCode].sort(),
    );
    const id = PICKUP_SECOND_SEED.unusedCodes[0];
    expect(await pickup.cancel(B, PICKUP_SECOND_SEED.onlineMachine, id)).toMatchObject({ code: 0 });
    expect(running.simulators.pickup.account(B.appId).codes.get(id)?.state).toBe('DELETED');
    expect(await pickup.cancel(B, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SECOND_SEED.usedCode)).toMatchObject({ code: 6033 });
    expect(await pickup.cancel(B, PICKUP_SECOND_SEED.offlineMachine, PICKUP_SECOND_SEED.offlineMachineCode)).toMatchObject({ code: 6025 });
  });

  it('a merchant naming the other’s machine gets 6026, the other’s code on its own machine 80002, and nothing changes', async () => {
    const theirs = PICKUP_SECOND_SEED.unusedCodes[1];
    expect(await pickup.list(A, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SECOND_SEED.productId)).toMatchObject({ code: 6026 });
    expect(await pickup.cancel(A, PICKUP_SECOND_SEED.onlineMachine, theirs)).toMatchObject({ code: 6026 });
    expect(await pickup.cancel(A, PICKUP_SEED.onlineMachine, theirs)).toMatchObject({ code: 80002 });
    expect(await pickup.cancelAll(A, PICKUP_SECOND_SEED.onlineMachine)).toMatchObject({ code: 6026 });
    expect(running.simulators.pickup.account(B.appId).codes.get(theirs)?.state).toBe('UNUSED');

    expect(await pickup.list(B, PICKUP_SEED.onlineMachine, PICKUP_SEED.productId)).toMatchObject({ code: 6026 });
    expect(await pickup.cancel(B, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SEED.unusedCodes[2])).toMatchObject({ code: 80002 });
    expect(running.simulators.pickup.codes.get(PICKUP_SEED.unusedCodes[2])?.state).toBe('UNUSED');
  });

  it('mixed credentials are refused with the documented codes', async () => {
    const mixedSecret = { ...B, appSecret: A.appSecret };
    expect(await pickup.list(mixedSecret, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SECOND_SEED.productId)).toMatchObject({ code: 10013 });
    expect(await pickup.list({ ...B, appId: 'nobody' }, PICKUP_SECOND_SEED.onlineMachine, '502')).toMatchObject({ code: 10014 });
    // The second merchant's headers with a payload signed with the first merchant's key.
    expect(await pickup.cancel(B, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SECOND_SEED.unusedCodes[1], A.signKey)).toMatchObject({
      code: 4006,
    });
    expect(running.simulators.pickup.account(B.appId).codes.get(PICKUP_SECOND_SEED.unusedCodes[1])?.state).toBe('UNUSED');
  });

  it('counts calls per merchant: only those with its headers and its signature; the old maps are the first merchant’s', async () => {
    const simulator = running.simulators.pickup;
    const before = { a: simulator.callsBy(A.appId), b: simulator.callsBy(B.appId) };
    await pickup.list(B, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SECOND_SEED.productId);
    await pickup.list(B, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SECOND_SEED.productId);
    await pickup.cancel(B, PICKUP_SECOND_SEED.onlineMachine, PICKUP_SECOND_SEED.unusedCodes[1], A.signKey);
    await pickup.list(A, PICKUP_SEED.onlineMachine, PICKUP_SEED.productId);
    expect(simulator.callsBy(B.appId)).toBe(before.b + 2);
    expect(simulator.callsBy(A.appId)).toBe(before.a + 1);
    expect(simulator.machines.has(PICKUP_SEED.onlineMachine)).toBe(true);
    expect(simulator.machines.has(PICKUP_SECOND_SEED.onlineMachine)).toBe(false);
    expect(simulator.account(B.appId).machines.has(PICKUP_SECOND_SEED.onlineMachine)).toBe(true);
  });

  it('addCode puts a code on the named merchant’s seeded machine', async () => {
    running.simulators.pickup.addCode('2244990', {}, B.appId);
    expect(running.simulators.pickup.account(B.appId).codes.get('2244990')).toMatchObject({
      machineNo: PICKUP_SECOND_SEED.onlineMachine,
      productId: PICKUP_SECOND_SEED.productId,
    });
    expect(await pickup.cancel(B, PICKUP_SECOND_SEED.onlineMachine, '2244990')).toMatchObject({ code: 0 });
  });
});

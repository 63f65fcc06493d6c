import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CancelPickupCodesDocument, PickupCodesDocument } from '../__generated__/graphql.js';
import { openPickupPayload, signPickupFields } from '../../src/pickup/pickup-signer.js';
import { PICKUP_SANDBOX_CREDENTIALS, PICKUP_SEED, PickupSimulator } from '../../src/sandbox/index.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('pickup domain against the pickup-code simulator (live mode, real HTTP)', () => {
  let t: TestService;
  const calls = () => t.sandbox.requestsTo('/pickup');
  const lastPayload = () => openPickupPayload((JSON.parse(calls().at(-1)!.body) as { payload: string }).payload)!;

  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());
  beforeEach(() => t.sandbox.clearFaults());

  it('lists the codes of a machine and product', async () => {
    const answer = await t.gql(PickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, productId: PICKUP_SEED.productId });
    expect(answer.errors).toBeUndefined();
    const codes = answer.data!.machine!.pickupCodes;
    expect(codes.map((c) => c.id).sort()).toEqual([...PICKUP_SEED.unusedCodes, PICKUP_SEED.usedCode, PICKUP_SEED.expiredCode].sort());
    expect(codes.find((c) => c.id === PICKUP_SEED.usedCode)?.status).toBe('USED');
    expect(codes.find((c) => c.id === PICKUP_SEED.unusedCodes[0])).toMatchObject({
      status: 'UNUSED',
      quantity: 1,
      code: expect.stringMatching(/^\d{6}$/),
    });
    expect(Date.parse(codes[0].expiresAt as string)).toBeGreaterThan(0);
    const request = calls().at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/api/openapi/v1/products/${PICKUP_SEED.productId}/pickup_code`);
  });

  it('cancels one code with a signed PUT the vendor verifies', async () => {
    const id = PICKUP_SEED.unusedCodes[0];
    const answer = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: id });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.cancelPickupCodes).toEqual({ scope: 'ONE', pickupCodeId: id, machine: { machineNo: PICKUP_SEED.onlineMachine } });
    const request = calls().at(-1)!;
    expect(request.method).toBe('PUT');
    expect(request.path).toBe('/api/openapi/v1/pickup_codes');
    expect(request.headers.appid).toBe(PICKUP_SANDBOX_CREDENTIALS.appId);
    expect(request.headers.appsecret).toBe(PICKUP_SANDBOX_CREDENTIALS.appSecret);
    const payload = lastPayload();
    expect(payload).toMatchObject({ machine_no: PICKUP_SEED.onlineMachine, method: 'pickup_code.delete.id', id });
    expect(Math.abs(Number(payload.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(payload.sign).toBe(signPickupFields(payload, PICKUP_SANDBOX_CREDENTIALS.signKey));
    expect(t.simulators.pickup.codes.get(id)?.state).toBe('DELETED');

    // The service now knows the code: it resolves by key, as CANCELLED.
    const entity = await t.gql<{ _entities: Array<{ id: string; status: string; machine: { machineNo: string } } | null> }, { r: unknown }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on PickupCode { id status machine { machineNo } } } }',
      {
        r: [
          { __typename: 'PickupCode', id },
          { __typename: 'PickupCode', id: '424242' },
        ],
      },
    );
    expect(entity.data?._entities).toEqual([{ id, status: 'CANCELLED', machine: { machineNo: PICKUP_SEED.onlineMachine } }, null]);
  });

  it('cancels all codes with pickup_code.delete.all and no id field', async () => {
    const answer = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine });
    expect(answer.data?.cancelPickupCodes).toMatchObject({ scope: 'ALL', pickupCodeId: null });
    const payload = lastPayload();
    expect(payload.method).toBe('pickup_code.delete.all');
    expect(payload).not.toHaveProperty('id');
    expect(
      [...t.simulators.pickup.codes.values()].filter((c) => c.machineNo === PICKUP_SEED.onlineMachine && c.state === 'UNUSED'),
    ).toHaveLength(0);
  });

  it('an unknown id is NOT_FOUND with vendorCode 80002', async () => {
    const answer = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: '999999' });
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', vendor: 'PICKUP', vendorCode: 80002, retryable: false });
  });

  it.each([
    [PICKUP_SEED.offlineMachine, '2233001', 'FAILED_PRECONDITION', 6025],
    [PICKUP_SEED.codesDisabledMachine, '1', 'FAILED_PRECONDITION', 6031],
    ['19999999', '1', 'NOT_FOUND', 6026],
  ])('machine %s → %s (%i)', async (machineNo, pickupCodeId, code, vendorCode) => {
    const answer = await t.gql(CancelPickupCodesDocument, { machineNo, pickupCodeId });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code, vendor: 'PICKUP', vendorCode });
  });

  it('a used code cannot be cancelled', async () => {
    t.simulators.pickup.addCode('5550001', { state: 'USED' });
    const answer = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: '5550001' });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', vendorCode: 6033 });
  });

  it('rejects a 4-digit machineNo and a bad id with no vendor call', async () => {
    const before = calls().length;
    const short = await t.gql(CancelPickupCodesDocument, { machineNo: '1234' });
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { machineNo: ['must be exactly 8 digits'] } });
    const badId = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: '12a; DROP' });
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { pickupCodeId: ['must be digits only'] } });
    const blank = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: '  ' });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { pickupCodeId: ['must not be blank'] } });
    const long = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: '1'.repeat(33) });
    expect(long.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(calls().length).toBe(before);
  });

  it('HTTP 500 and a non-JSON body are VENDOR_UNAVAILABLE', async () => {
    t.sandbox.inject('/pickup', { kind: 'status', status: 500 });
    const http = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: '1' });
    expect(http.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'PICKUP', vendorCode: 500, retryable: true });
    t.sandbox.inject('/pickup', { kind: 'garbage' });
    const garbage = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine, pickupCodeId: '1' });
    expect(garbage.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', retryable: true });
  });

  it('never logs the app secret or the sign key', () => {
    expect(t.secrets).toEqual(expect.arrayContaining([PICKUP_SANDBOX_CREDENTIALS.appSecret, PICKUP_SANDBOX_CREDENTIALS.signKey]));
    for (const secret of t.secrets) expect(t.logs.text).not.toContain(secret);
  });
});

describe('pickup vendor refusing our credentials or request', () => {
  it.each([
    [{ PICKUP_SIGN_KEY: 'wrong-merchant-key' }, 4006],
    [{ PICKUP_APP_SECRET: 'wrong-secret' }, 10013],
    [{ PICKUP_APP_ID: 'wrong-app' }, 10014],
  ])('%j → VENDOR_AUTH_FAILED %i', async (env, vendorCode) => {
    const t = await startTestService({ env });
    try {
      const answer = await t.gql(CancelPickupCodesDocument, {
        machineNo: PICKUP_SEED.onlineMachine,
        pickupCodeId: PICKUP_SEED.unusedCodes[1],
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_AUTH_FAILED', vendor: 'PICKUP', vendorCode });
      expect(t.simulators.pickup.codes.get(PICKUP_SEED.unusedCodes[1])?.state).toBe('UNUSED');
      expect(t.logs.text).not.toContain(Object.values(env)[0]);
    } finally {
      await t.stop();
    }
  });

  it('missing headers get HTTP 401 with code 10008', async () => {
    const t = await startTestService();
    try {
      const response = await fetch(`${t.sandbox.baseUrl(t.simulators.pickup)}/api/openapi/v1/pickup_codes`, { method: 'PUT', body: '{}' });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 10008 });
    } finally {
      await t.stop();
    }
  });

  it('a timestamp more than 5 minutes off is rejected', async () => {
    const skewed = new PickupSimulator({ now: () => Date.now() + 10 * 60_000 });
    const t = await startTestService({ simulators: { pickup: skewed } });
    try {
      const answer = await t.gql(CancelPickupCodesDocument, {
        machineNo: PICKUP_SEED.onlineMachine,
        pickupCodeId: PICKUP_SEED.unusedCodes[2],
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', vendor: 'PICKUP', vendorCode: 4003 });
      expect(skewed.codes.get(PICKUP_SEED.unusedCodes[2])?.state).toBe('UNUSED');
    } finally {
      await t.stop();
    }
  });

  it('live mode without PICKUP_BASE_URL answers VENDOR_NOT_CONFIGURED', async () => {
    const t = await startTestService({ env: { PICKUP_BASE_URL: '' } });
    try {
      const answer = await t.gql(CancelPickupCodesDocument, { machineNo: PICKUP_SEED.onlineMachine });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_NOT_CONFIGURED', vendor: 'PICKUP' });
      expect(answer.errors?.[0]?.message).toContain('PICKUP_BASE_URL');
      expect(t.sandbox.requestsTo('/pickup')).toHaveLength(0);
    } finally {
      await t.stop();
    }
  });
});

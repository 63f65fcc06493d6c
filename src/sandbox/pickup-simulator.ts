import { openPickupPayload, signPickupFields } from '../pickup/pickup-signer.js';
import type { SimulatedRequest, SimulatedResponse, Simulator } from './sandbox-http.js';

export interface PickupCredentials {
  appId: string;
  appSecret: string;
  /** The merchant id ("AppKey") that keys the payload signature. */
  signKey: string;
}

export const PICKUP_SANDBOX_CREDENTIALS: PickupCredentials = {
  appId: 'sandbox-pickup-appid',
  appSecret: 'sandbox-pickup-app-secret',
  signKey: 'sandbox-merchant-10086',
};

export type PickupSimulatedState = 'UNUSED' | 'USED' | 'EXPIRED' | 'DELETED';

export interface PickupSimulatedCode {
  machineNo: string;
  productId: string;
  code: string;
  state: PickupSimulatedState;
  createdAt: number;
  expiresAt: number;
  quantity: number;
}

export interface PickupSimulatedMachine {
  online: boolean;
  pickupCodesEnabled: boolean;
}

/** Seeded ids, listed in the README for frontend developers. */
export const PICKUP_SEED = {
  onlineMachine: '10000001',
  offlineMachine: '10000002',
  codesDisabledMachine: '10000003',
  productId: '501',
  unusedCodes: ['1122223', '1122224', '1122225'],
  usedCode: '1122226',
  expiredCode: '1122227',
};

const MAX_CLOCK_SKEW_SEC = 300;
const pad = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DD HH:mm:ss` in GMT+8, as the vendor writes times. */
const vendorTime = (ms: number) => {
  const d = new Date(ms + 8 * 3600_000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

/**
 * The pickup-code open API (VENDORS.md §2): `Appid`/`AppSecret` headers (HTTP 401, code 10008
 * when missing), a base64 JSON payload whose sign is verified (4006), timestamps within five
 * minutes, machine and code checks with the documented codes, `{code, message, data}` answers.
 */
export class PickupSimulator implements Simulator {
  readonly prefix = '/pickup';
  readonly machines = new Map<string, PickupSimulatedMachine>();
  readonly codes = new Map<string, PickupSimulatedCode>();
  private readonly credentials: PickupCredentials;
  private readonly now: () => number;

  constructor(options: { credentials?: PickupCredentials; now?: () => number; seed?: boolean } = {}) {
    this.credentials = options.credentials ?? PICKUP_SANDBOX_CREDENTIALS;
    this.now = options.now ?? Date.now;
    if (options.seed ?? true) this.seed();
  }

  addCode(id: string, code: Partial<PickupSimulatedCode> = {}): void {
    const now = this.now();
    this.codes.set(id, {
      machineNo: PICKUP_SEED.onlineMachine,
      productId: PICKUP_SEED.productId,
      code: String(100000 + (Number(id) % 900000)),
      state: 'UNUSED',
      createdAt: now - 3600_000,
      expiresAt: now + 7 * 86_400_000,
      quantity: 1,
      ...code,
    });
  }

  handle(request: SimulatedRequest): SimulatedResponse {
    const appId = header(request, 'appid');
    const appSecret = header(request, 'appsecret');
    if (!appId || !appSecret) return { status: 401, json: answer(10008, 'Appid or AppSecret is empty') };
    if (appId !== this.credentials.appId) return { json: answer(10014, 'invalid appid') };
    if (appSecret !== this.credentials.appSecret) return { json: answer(10013, 'invalid app secret') };

    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return { json: answer(4003, 'invalid params: body is not JSON') };
    }
    const fields = openPickupPayload((body as { payload?: unknown } | null)?.payload);
    if (!fields) return { json: answer(4003, 'invalid params: payload is not base64 JSON of strings') };
    if (fields.sign !== signPickupFields(fields, this.credentials.signKey)) return { json: answer(4006, 'payload sign invalid') };
    const timestamp = Number(fields.timestamp);
    if (!/^\d+$/.test(fields.timestamp ?? '') || Math.abs(timestamp - this.now() / 1000) > MAX_CLOCK_SKEW_SEC) {
      return { json: answer(4003, 'invalid params: timestamp missing or more than 5 minutes off') };
    }
    if (!/^\d{8}$/.test(fields.machine_no ?? '')) return { json: answer(4003, 'invalid params: machine_no must be 8 digits') };
    const machine = this.machines.get(fields.machine_no);
    if (!machine) return { json: answer(6026, 'machine not found') };

    const listing = /^\/api\/openapi\/v1\/products\/([^/]+)\/pickup_code$/.exec(request.path);
    if (request.method === 'POST' && listing) return this.list(fields.machine_no, decodeURIComponent(listing[1]));
    if (request.method === 'PUT' && request.path === '/api/openapi/v1/pickup_codes') return this.remove(fields, machine);
    return { status: 404, json: answer(404, 'not found') };
  }

  private list(machineNo: string, productId: string): SimulatedResponse {
    const data = [...this.codes]
      .filter(([, c]) => c.machineNo === machineNo && c.productId === productId && c.state !== 'DELETED')
      .map(([id, c]) => ({
        id: Number(id),
        code: c.code,
        status: c.state,
        created_at: vendorTime(c.createdAt),
        expired_at: vendorTime(c.expiresAt),
        quantity: c.quantity,
      }));
    return { json: answer(0, 'ok', data) };
  }

  private remove(fields: Record<string, string>, machine: PickupSimulatedMachine): SimulatedResponse {
    if (!machine.online) return { json: answer(6025, 'machine offline') };
    if (!machine.pickupCodesEnabled) return { json: answer(6031, 'pickup codes disabled') };
    if (fields.method === 'pickup_code.delete.all') {
      if ('id' in fields) return { json: answer(4003, 'invalid params: id is not allowed with pickup_code.delete.all') };
      for (const code of this.codes.values()) if (code.machineNo === fields.machine_no && code.state === 'UNUSED') code.state = 'DELETED';
      return { json: answer(0, 'ok', {}) };
    }
    if (fields.method !== 'pickup_code.delete.id' || !fields.id) return { json: answer(4003, 'invalid params: method or id') };
    const code = this.codes.get(fields.id);
    if (!code || code.machineNo !== fields.machine_no || code.state === 'DELETED') return { json: answer(80002, '查不到对应记录') };
    if (code.state === 'USED') return { json: answer(6033, 'pickup code used') };
    if (code.state === 'EXPIRED' || code.expiresAt < this.now()) return { json: answer(6032, 'pickup code expired') };
    code.state = 'DELETED';
    return { json: answer(0, 'ok', {}) };
  }

  private seed(): void {
    this.machines.set(PICKUP_SEED.onlineMachine, { online: true, pickupCodesEnabled: true });
    this.machines.set(PICKUP_SEED.offlineMachine, { online: false, pickupCodesEnabled: true });
    this.machines.set(PICKUP_SEED.codesDisabledMachine, { online: true, pickupCodesEnabled: false });
    for (const id of PICKUP_SEED.unusedCodes) this.addCode(id);
    this.addCode(PICKUP_SEED.usedCode, { state: 'USED' });
    this.addCode(PICKUP_SEED.expiredCode, { state: 'EXPIRED', expiresAt: this.now() - 86_400_000 });
    this.addCode('2233001', { machineNo: PICKUP_SEED.offlineMachine });
  }
}

function header(request: SimulatedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function answer(code: number, message: string, data: unknown = {}) {
  return { code, message, data };
}

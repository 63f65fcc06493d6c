import { openPickupPayload, signPickupFields } from '../pickup/pickup-signer.js';
import type { SimulatedRequest, SimulatedResponse, Simulator } from './sandbox-http.js';
import { SimulatedAccounts, startingCredentials, type AccountCalls, type Learned } from './simulated-accounts.js';

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

/** The sandbox's second merchant: every value differs from the first's. */
export const PICKUP_SANDBOX_SECOND_CREDENTIALS: PickupCredentials = {
  appId: 'sandbox-pickup-appid-shop-2',
  appSecret: 'sandbox-pickup-app-secret-shop-2',
  signKey: 'sandbox-merchant-20086',
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
  /** An unused code on the offline machine. */
  offlineMachineCode: '2233001',
};

export type PickupSeed = typeof PICKUP_SEED;

/** The second merchant's own machines and codes: no id is the first's, so isolation shows. */
export const PICKUP_SECOND_SEED: PickupSeed = {
  onlineMachine: '20000001',
  offlineMachine: '20000002',
  codesDisabledMachine: '20000003',
  productId: '502',
  unusedCodes: ['2244223', '2244224'],
  usedCode: '2244226',
  expiredCode: '2244227',
  offlineMachineCode: '2244001',
};

/** Seeds by account position: accounts after the second start empty. */
const SEEDS: readonly PickupSeed[] = [PICKUP_SEED, PICKUP_SECOND_SEED];

/** One merchant's state at the simulated vendor: its machines and their codes, its call count. */
export interface PickupAccount extends AccountCalls {
  /** Replaced only when a MERCHANTS_FILE merchant's account is taught new secrets (sandbox mode). */
  credentials: PickupCredentials;
  readonly machines: Map<string, PickupSimulatedMachine>;
  readonly codes: Map<string, PickupSimulatedCode>;
  /** Where `addCode` puts a code when none is named: the seed's online machine and product. */
  readonly defaults: Pick<PickupSimulatedCode, 'machineNo' | 'productId'>;
}

export interface PickupSimulatorOptions {
  /** The first (default) merchant's credentials; the sandbox's second merchant is kept beside it. */
  credentials?: PickupCredentials;
  /** Every merchant the simulator knows, the first being the default (replaces `credentials` and the second merchant). */
  accounts?: PickupCredentials[];
  now?: () => number;
  seed?: boolean;
}

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
 * Several merchants each see only their own machines and codes: another merchant's machine
 * answers 6026 (machine not found), another's code id 80002 (record not found).
 */
export class PickupSimulator implements Simulator {
  readonly prefix = '/pickup';
  private readonly accounts: SimulatedAccounts<PickupAccount>;
  private readonly now: () => number;
  private readonly seeded: boolean;

  constructor(options: PickupSimulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    const credentials = startingCredentials(options, [PICKUP_SANDBOX_CREDENTIALS, PICKUP_SANDBOX_SECOND_CREDENTIALS]);
    this.accounts = new SimulatedAccounts(
      credentials.map((c, index) => newAccount(c, SEEDS[index])),
      (account) => account.credentials.appId,
    );
    this.seeded = options.seed ?? true;
    if (this.seeded) this.accounts.seedEach(SEEDS, (account, seed) => this.seed(account, seed));
  }

  /**
   * Sandbox mode: a MERCHANTS_FILE merchant's account (Appid, AppSecret, sign key), as the vendor
   * knows its merchants, with its own copy of the first merchant's machines and codes (so the
   * README's ids work for it). Headers, signatures and codes are checked as for any merchant.
   */
  learnAccount(merchantId: string, credentials: PickupCredentials): Learned {
    const given = { appId: credentials.appId, appSecret: credentials.appSecret, signKey: credentials.signKey };
    return this.accounts.learn(merchantId, given.appId, {
      same: (known) => known.credentials.appSecret === given.appSecret && known.credentials.signKey === given.signKey,
      make: () => newAccount(given, PICKUP_SEED),
      seed: (made) => (this.seeded ? this.seed(made, PICKUP_SEED) : undefined),
      update: (known) => {
        known.credentials = given;
      },
    });
  }

  /** The first (default) merchant's machines. */
  get machines(): Map<string, PickupSimulatedMachine> {
    return this.accounts.first.machines;
  }

  /** The first (default) merchant's codes, by id. */
  get codes(): Map<string, PickupSimulatedCode> {
    return this.accounts.first.codes;
  }

  /** A merchant's state (machines, codes, calls), by Appid; throws for one the simulator does not know. */
  account(appId: string): PickupAccount {
    return this.accounts.get(appId);
  }

  /** Calls that carried a merchant's Appid, AppSecret and a payload signed with its key. */
  callsBy(appId: string): number {
    return this.accounts.get(appId).calls;
  }

  /** Adds a code to a merchant (the first unless named), on its seeded online machine and product unless given. */
  addCode(id: string, code: Partial<PickupSimulatedCode> = {}, appId?: string): void {
    const account = this.accounts.getOrFirst(appId);
    const now = this.now();
    account.codes.set(id, {
      ...account.defaults,
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
    const account = this.accounts.find(appId);
    if (!account) return { json: answer(10014, 'invalid appid') };
    if (appSecret !== account.credentials.appSecret) return { json: answer(10013, 'invalid app secret') };

    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return { json: answer(4003, 'invalid params: body is not JSON') };
    }
    const fields = openPickupPayload((body as { payload?: unknown } | null)?.payload);
    if (!fields) return { json: answer(4003, 'invalid params: payload is not base64 JSON of strings') };
    if (fields.sign !== signPickupFields(fields, account.credentials.signKey)) return { json: answer(4006, 'payload sign invalid') };
    // Headers and signature are the merchant's: from here on only its machines and codes exist.
    account.calls += 1;
    const timestamp = Number(fields.timestamp);
    if (!/^\d+$/.test(fields.timestamp ?? '') || Math.abs(timestamp - this.now() / 1000) > MAX_CLOCK_SKEW_SEC) {
      return { json: answer(4003, 'invalid params: timestamp missing or more than 5 minutes off') };
    }
    if (!/^\d{8}$/.test(fields.machine_no ?? '')) return { json: answer(4003, 'invalid params: machine_no must be 8 digits') };
    const machine = account.machines.get(fields.machine_no);
    if (!machine) return { json: answer(6026, 'machine not found') };

    const listing = /^\/api\/openapi\/v1\/products\/([^/]+)\/pickup_code$/.exec(request.path);
    if (request.method === 'POST' && listing) return this.list(account, fields.machine_no, decodeURIComponent(listing[1]));
    if (request.method === 'PUT' && request.path === '/api/openapi/v1/pickup_codes') return this.remove(account, fields, machine);
    return { status: 404, json: answer(404, 'not found') };
  }

  private list(account: PickupAccount, machineNo: string, productId: string): SimulatedResponse {
    const data = [...account.codes]
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

  private remove(account: PickupAccount, fields: Record<string, string>, machine: PickupSimulatedMachine): SimulatedResponse {
    if (!machine.online) return { json: answer(6025, 'machine offline') };
    if (!machine.pickupCodesEnabled) return { json: answer(6031, 'pickup codes disabled') };
    if (fields.method === 'pickup_code.delete.all') {
      if ('id' in fields) return { json: answer(4003, 'invalid params: id is not allowed with pickup_code.delete.all') };
      for (const code of account.codes.values())
        if (code.machineNo === fields.machine_no && code.state === 'UNUSED') code.state = 'DELETED';
      return { json: answer(0, 'ok', {}) };
    }
    if (fields.method !== 'pickup_code.delete.id' || !fields.id) return { json: answer(4003, 'invalid params: method or id') };
    const code = account.codes.get(fields.id);
    if (!code || code.machineNo !== fields.machine_no || code.state === 'DELETED') return { json: answer(80002, '查不到对应记录') };
    if (code.state === 'USED') return { json: answer(6033, 'pickup code used') };
    if (code.state === 'EXPIRED' || code.expiresAt < this.now()) return { json: answer(6032, 'pickup code expired') };
    code.state = 'DELETED';
    return { json: answer(0, 'ok', {}) };
  }

  private seed(account: PickupAccount, seed: PickupSeed): void {
    const { appId } = account.credentials;
    account.machines.set(seed.onlineMachine, { online: true, pickupCodesEnabled: true });
    account.machines.set(seed.offlineMachine, { online: false, pickupCodesEnabled: true });
    account.machines.set(seed.codesDisabledMachine, { online: true, pickupCodesEnabled: false });
    for (const id of seed.unusedCodes) this.addCode(id, {}, appId);
    this.addCode(seed.usedCode, { state: 'USED' }, appId);
    this.addCode(seed.expiredCode, { state: 'EXPIRED', expiresAt: this.now() - 86_400_000 }, appId);
    this.addCode(seed.offlineMachineCode, { machineNo: seed.offlineMachine }, appId);
  }
}

function newAccount(credentials: PickupCredentials, seed: PickupSeed | undefined): PickupAccount {
  const defaults = { machineNo: seed?.onlineMachine ?? '', productId: seed?.productId ?? '' };
  return { credentials, machines: new Map(), codes: new Map(), defaults, calls: 0 };
}

function header(request: SimulatedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function answer(code: number, message: string, data: unknown = {}) {
  return { code, message, data };
}

import { randomBytes } from 'node:crypto';
import { parseFormOrJson, type SimulatedRequest, type SimulatedResponse, type Simulator } from './sandbox-http.js';
import { SimulatedAccounts, startingCredentials, type AccountTokens, type Learned } from './simulated-accounts.js';

export interface ApiusbCredentials {
  appKey: string;
  appSecret: string;
}

export const APIUSB_SANDBOX_CREDENTIALS: ApiusbCredentials = {
  appKey: 'sandbox-apiusb-app-key',
  appSecret: 'sandbox-apiusb-app-secret',
};

/** The sandbox's second merchant's app: every value differs from the first's. */
export const APIUSB_SANDBOX_SECOND_CREDENTIALS: ApiusbCredentials = {
  appKey: 'sandbox-apiusb-app-key-shop-2',
  appSecret: 'sandbox-apiusb-app-secret-shop-2',
};

export type ApiusbOrderState = 'awaiting-pickup' | 'collected' | 'cancelled';

export interface ApiusbSimulatedOrder {
  taskId: string;
  state: ApiusbOrderState;
  cancelMsg?: string;
}

/** Seeded ids, listed in the README for frontend developers. */
export const APIUSB_SEED = {
  cancellableOrders: [
    { orderId: '100012021107633', taskId: 'BAB7EDF04019A6C7876096B88B611769' },
    { orderId: '100012021107634', taskId: 'C3D1A0F04019A6C7876096B88B611770' },
  ],
  collectedOrder: { orderId: '100012021107699', taskId: 'D9E2B1F04019A6C7876096B88B611799' },
};

export type ApiusbSeed = typeof APIUSB_SEED;

/** The second merchant's own orders: no id is the first's, so isolation shows. */
export const APIUSB_SECOND_SEED: ApiusbSeed = {
  cancellableOrders: [
    { orderId: '200012021107633', taskId: 'E4F2C1A04019A6C7876096B88B612633' },
    { orderId: '200012021107634', taskId: 'E4F2C1A04019A6C7876096B88B612634' },
  ],
  collectedOrder: { orderId: '200012021107699', taskId: 'F5A3D2B04019A6C7876096B88B612699' },
};

/** Seeds by account position: accounts after the second start empty. */
const SEEDS: readonly ApiusbSeed[] = [APIUSB_SEED, APIUSB_SECOND_SEED];

/** One app's state at the simulated vendor: its orders and counters. */
export interface ApiusbAccount extends AccountTokens {
  /** Replaced only when a MERCHANTS_FILE merchant's app is taught a new secret (sandbox mode). */
  credentials: ApiusbCredentials;
  readonly orders: Map<string, ApiusbSimulatedOrder>;
}

export interface ApiusbSimulatorOptions {
  /** The first (default) app's credentials; the sandbox's second merchant's app is kept beside it. */
  credentials?: ApiusbCredentials;
  /** Every app the simulator knows, the first being the default (replaces `credentials` and the second app). */
  accounts?: ApiusbCredentials[];
  requireToken?: boolean;
  tokenTtlSec?: number;
  /** Tokens that never expire, of the first app (as a token set in configuration would be). */
  staticTokens?: string[];
  seed?: boolean;
}

/**
 * APIUSB's PhalApi endpoint (VENDORS.md §3): the service in `s` (or `service`), parameters
 * from the query string or a POST form, the `{ret, data, msg}` envelope, `ret` 406 for a bad
 * token when signature checking is on, business refusals inside `ret` 200.
 * Several apps (merchants) each see only their own orders: the token names the app, and
 * another app's order answers as one that does not exist (code 404). With signature checking
 * off no token names the app, so every call acts for the first one.
 */
export class ApiusbSimulator implements Simulator {
  readonly prefix = '/apiusb';
  /** Signature checking: when on, every business call needs a token from ApplyToken. */
  requireToken: boolean;
  /** Token → the app it acts for and when it expires. */
  private readonly tokens = new Map<string, { account: ApiusbAccount; expiresAt: number }>();
  private readonly accounts: SimulatedAccounts<ApiusbAccount>;
  private readonly tokenTtlSec: number;
  private readonly seeded: boolean;

  constructor(options: ApiusbSimulatorOptions = {}) {
    this.requireToken = options.requireToken ?? true;
    this.tokenTtlSec = options.tokenTtlSec ?? 30 * 86_400;
    const credentials = startingCredentials(options, [APIUSB_SANDBOX_CREDENTIALS, APIUSB_SANDBOX_SECOND_CREDENTIALS]);
    this.accounts = new SimulatedAccounts(
      credentials.map((c) => ({ credentials: c, orders: new Map(), tokensIssued: 0, calls: 0 })),
      (account) => account.credentials.appKey,
    );
    for (const token of options.staticTokens ?? []) {
      this.tokens.set(token, { account: this.accounts.first, expiresAt: Number.POSITIVE_INFINITY });
    }
    this.seeded = options.seed ?? true;
    if (this.seeded) this.accounts.seedEach(SEEDS, (account, seed) => this.seed(account, seed));
  }

  /**
   * Sandbox mode: a MERCHANTS_FILE merchant's app, as APIUSB knows the apps it issued: an app key and
   * secret (exchanged for tokens that expire, as for any app), or a token set in its configuration
   * (an app of its own, named `access token of <merchant>`, whose token never expires). It gets its
   * own copy of the first app's orders, so the README's ids work for it.
   */
  learnAccount(merchantId: string, app: ApiusbCredentials | { accessToken: string }): Learned {
    if ('accessToken' in app) return this.learnStaticToken(merchantId, app.accessToken);
    const credentials = { appKey: app.appKey, appSecret: app.appSecret };
    return this.accounts.learn(merchantId, credentials.appKey, {
      same: (known) => known.credentials.appSecret === credentials.appSecret,
      make: () => ({ credentials, orders: new Map(), tokensIssued: 0, calls: 0 }),
      seed: (made) => (this.seeded ? this.seed(made, APIUSB_SEED) : undefined),
      update: (known) => {
        known.credentials = credentials;
      },
    });
  }

  private learnStaticToken(merchantId: string, token: string): Learned {
    if (this.tokens.has(token)) return 'known';
    // Named by the merchant: no app key goes with a configured token, and its secret is nobody's.
    const credentials = { appKey: `access token of ${merchantId}`, appSecret: randomBytes(24).toString('hex') };
    const outcome = this.accounts.learn(merchantId, credentials.appKey, {
      same: () => false,
      make: () => ({ credentials, orders: new Map(), tokensIssued: 0, calls: 0 }),
      seed: (made) => (this.seeded ? this.seed(made, APIUSB_SEED) : undefined),
      // A new token for the merchant: its previous one stops working, as when it is reset.
      update: (known) => {
        for (const [old, issued] of this.tokens) if (issued.account === known) this.tokens.delete(old);
      },
    });
    if (outcome === 'learned')
      this.tokens.set(token, { account: this.accounts.get(credentials.appKey), expiresAt: Number.POSITIVE_INFINITY });
    return outcome;
  }

  /** The first (default) app's orders. */
  get orders(): Map<string, ApiusbSimulatedOrder> {
    return this.accounts.first.orders;
  }

  /** Tokens the first (default) app fetched. */
  get tokensIssued(): number {
    return this.accounts.first.tokensIssued;
  }

  /** An app's state (orders, counters), by app key; throws for one the simulator does not know. */
  account(appKey: string): ApiusbAccount {
    return this.accounts.get(appKey);
  }

  /** Tokens an app fetched. */
  tokensIssuedBy(appKey: string): number {
    return this.accounts.get(appKey).tokensIssued;
  }

  /** Business calls made as an app (with its token, or any call while signature checking is off for the first app). */
  callsBy(appKey: string): number {
    return this.accounts.get(appKey).calls;
  }

  /** Adds an order to an app (the first unless named). */
  addOrder(orderId: string, order: Partial<ApiusbSimulatedOrder> & { taskId: string }, appKey?: string): void {
    this.accounts.getOrFirst(appKey).orders.set(orderId, { state: 'awaiting-pickup', ...order });
  }

  /** Makes every issued token invalid (static ones stay), only one app's when named. */
  revokeTokens(appKey?: string): void {
    const revoked = appKey === undefined ? undefined : this.accounts.get(appKey);
    for (const [token, issued] of this.tokens) {
      if (issued.expiresAt !== Number.POSITIVE_INFINITY && (!revoked || issued.account === revoked)) this.tokens.delete(token);
    }
  }

  handle(request: SimulatedRequest): SimulatedResponse {
    const params: Record<string, unknown> = {
      ...Object.fromEntries(request.query),
      ...(request.method === 'POST' ? parseFormOrJson(request) : {}),
    };
    const service = String(params.s ?? params.service ?? '');
    if (service === 'App.Auth.ApplyToken') return this.applyToken(params);
    if (service !== 'App.Logistics.CCancelOrder') return envelope(404, null, `非法请求：服务${service || ''}不存在`);

    let account = this.accounts.first;
    if (this.requireToken) {
      const token = typeof params.access_token === 'string' ? params.access_token : '';
      const issued = this.tokens.get(token);
      if (!issued || issued.expiresAt <= Date.now()) return envelope(406, null, 'access_token invalid or expired');
      // The token names the app: only its orders exist for this call.
      account = issued.account;
    }
    account.calls += 1;
    for (const name of ['orderId', 'taskId', 'cancelMsg']) {
      if (typeof params[name] !== 'string' || (params[name] as string).trim() === '')
        return envelope(400, null, `非法请求：缺少必要参数${name}`);
    }
    return this.cancel(account, String(params.orderId), String(params.taskId), String(params.cancelMsg));
  }

  private applyToken(params: Record<string, unknown>): SimulatedResponse {
    const account = this.accounts.find(params.app_key);
    if (!account || params.app_secret !== account.credentials.appSecret) {
      return envelope(400, null, '非法请求：app_key或app_secret错误');
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { account, expiresAt: Date.now() + this.tokenTtlSec * 1000 });
    account.tokensIssued += 1;
    return envelope(200, { access_token: token, expires_in: this.tokenTtlSec });
  }

  private cancel(account: ApiusbAccount, orderId: string, taskId: string, cancelMsg: string): SimulatedResponse {
    const order = account.orders.get(orderId);
    if (!order) return envelope(200, { code: 404, message: '订单不存在 (order does not exist)', data: null });
    if (order.taskId !== taskId) return envelope(200, { code: 400, message: 'taskId does not match the order', data: null });
    if (order.state === 'collected')
      return envelope(200, { code: 403, message: 'the courier has already collected the parcel', data: null });
    if (order.state === 'cancelled') return envelope(200, { code: 409, message: '订单已取消 (order already cancelled)', data: null });
    order.state = 'cancelled';
    order.cancelMsg = cancelMsg;
    return envelope(200, { code: 200, message: 'success', data: '取消成功' });
  }

  private seed(account: ApiusbAccount, seed: ApiusbSeed): void {
    const { appKey } = account.credentials;
    for (const { orderId, taskId } of seed.cancellableOrders) this.addOrder(orderId, { taskId }, appKey);
    this.addOrder(seed.collectedOrder.orderId, { taskId: seed.collectedOrder.taskId, state: 'collected' }, appKey);
  }
}

function envelope(ret: number, data: unknown, msg = ''): SimulatedResponse {
  return { json: { ret, data, msg } };
}

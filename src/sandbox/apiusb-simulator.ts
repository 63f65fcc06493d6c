import { randomBytes } from 'node:crypto';
import { parseFormOrJson, type SimulatedRequest, type SimulatedResponse, type Simulator } from './sandbox-http.js';

export interface ApiusbCredentials {
  appKey: string;
  appSecret: string;
}

export const APIUSB_SANDBOX_CREDENTIALS: ApiusbCredentials = {
  appKey: 'sandbox-apiusb-app-key',
  appSecret: 'sandbox-apiusb-app-secret',
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

/**
 * APIUSB's PhalApi endpoint (VENDORS.md §3): the service in `s` (or `service`), parameters
 * from the query string or a POST form, the `{ret, data, msg}` envelope, `ret` 406 for a bad
 * token when signature checking is on, business refusals inside `ret` 200.
 */
export class ApiusbSimulator implements Simulator {
  readonly prefix = '/apiusb';
  readonly orders = new Map<string, ApiusbSimulatedOrder>();
  tokensIssued = 0;
  /** Signature checking: when on, every business call needs a token from ApplyToken. */
  requireToken: boolean;
  private readonly tokens = new Map<string, number>();
  private readonly credentials: ApiusbCredentials;
  private readonly tokenTtlSec: number;

  constructor(
    options: {
      credentials?: ApiusbCredentials;
      requireToken?: boolean;
      tokenTtlSec?: number;
      staticTokens?: string[];
      seed?: boolean;
    } = {},
  ) {
    this.credentials = options.credentials ?? APIUSB_SANDBOX_CREDENTIALS;
    this.requireToken = options.requireToken ?? true;
    this.tokenTtlSec = options.tokenTtlSec ?? 30 * 86_400;
    for (const token of options.staticTokens ?? []) this.tokens.set(token, Number.POSITIVE_INFINITY);
    if (options.seed ?? true) {
      for (const { orderId, taskId } of APIUSB_SEED.cancellableOrders) this.addOrder(orderId, { taskId });
      this.addOrder(APIUSB_SEED.collectedOrder.orderId, { taskId: APIUSB_SEED.collectedOrder.taskId, state: 'collected' });
    }
  }

  addOrder(orderId: string, order: Partial<ApiusbSimulatedOrder> & { taskId: string }): void {
    this.orders.set(orderId, { state: 'awaiting-pickup', ...order });
  }

  revokeTokens(): void {
    for (const [token, expiresAt] of this.tokens) if (expiresAt !== Number.POSITIVE_INFINITY) this.tokens.delete(token);
  }

  handle(request: SimulatedRequest): SimulatedResponse {
    const params: Record<string, unknown> = {
      ...Object.fromEntries(request.query),
      ...(request.method === 'POST' ? parseFormOrJson(request) : {}),
    };
    const service = String(params.s ?? params.service ?? '');
    if (service === 'App.Auth.ApplyToken') return this.applyToken(params);
    if (service !== 'App.Logistics.CCancelOrder') return envelope(404, null, `非法请求：服务${service || ''}不存在`);

    if (this.requireToken) {
      const token = typeof params.access_token === 'string' ? params.access_token : '';
      const expiresAt = this.tokens.get(token);
      if (expiresAt === undefined || expiresAt <= Date.now()) return envelope(406, null, 'access_token invalid or expired');
    }
    for (const name of ['orderId', 'taskId', 'cancelMsg']) {
      if (typeof params[name] !== 'string' || (params[name] as string).trim() === '')
        return envelope(400, null, `非法请求：缺少必要参数${name}`);
    }
    return this.cancel(String(params.orderId), String(params.taskId), String(params.cancelMsg));
  }

  private applyToken(params: Record<string, unknown>): SimulatedResponse {
    if (params.app_key !== this.credentials.appKey || params.app_secret !== this.credentials.appSecret) {
      return envelope(400, null, '非法请求：app_key或app_secret错误');
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + this.tokenTtlSec * 1000);
    this.tokensIssued += 1;
    return envelope(200, { access_token: token, expires_in: this.tokenTtlSec });
  }

  private cancel(orderId: string, taskId: string, cancelMsg: string): SimulatedResponse {
    const order = this.orders.get(orderId);
    if (!order) return envelope(200, { code: 404, message: '订单不存在 (order does not exist)', data: null });
    if (order.taskId !== taskId) return envelope(200, { code: 400, message: 'taskId does not match the order', data: null });
    if (order.state === 'collected')
      return envelope(200, { code: 403, message: 'the courier has already collected the parcel', data: null });
    if (order.state === 'cancelled') return envelope(200, { code: 409, message: '订单已取消 (order already cancelled)', data: null });
    order.state = 'cancelled';
    order.cancelMsg = cancelMsg;
    return envelope(200, { code: 200, message: 'success', data: '取消成功' });
  }
}

function envelope(ret: number, data: unknown, msg = ''): SimulatedResponse {
  return { json: { ret, data, msg } };
}

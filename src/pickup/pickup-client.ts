import type { PickupConfig } from '../config.js';
import { vendorNotConfigured, vendorUnavailable } from '../errors.js';
import type { VendorHttp } from '../http.js';
import { readResultCode } from '../vendor-answer.js';
import { parseVendorTime } from '../vendor-time.js';
import { PICKUP_OK, pickupError } from './pickup-errors.js';
import { sealPickupPayload, type PickupFields } from './pickup-signer.js';

export type PickupCodeState = 'UNUSED' | 'USED' | 'EXPIRED' | 'UNKNOWN';

export interface VendorPickupCode {
  id: string;
  code: string | null;
  status: PickupCodeState;
  createdAt: Date | null;
  expiresAt: Date | null;
  quantity: number | null;
}

const CODES_PATH = '/api/openapi/v1/pickup_codes';
const STATES = new Set<PickupCodeState>(['UNUSED', 'USED', 'EXPIRED', 'UNKNOWN']);

/**
 * The vending-machine pickup-code API (VENDORS.md §2): `Appid`/`AppSecret` headers and a
 * signed base64 JSON payload on every call; `{code, message, data}` answers, code 0 = ok.
 */
export class PickupClient {
  constructor(private readonly config: PickupConfig, private readonly http: VendorHttp) {}

  async cancelOne(machineNo: string, pickupCodeId: string): Promise<void> {
    await this.call('PUT', CODES_PATH, { machine_no: machineNo, method: 'pickup_code.delete.id', id: pickupCodeId });
  }

  async cancelAll(machineNo: string): Promise<void> {
    await this.call('PUT', CODES_PATH, { machine_no: machineNo, method: 'pickup_code.delete.all' });
  }

  async listCodes(machineNo: string, productId: string): Promise<VendorPickupCode[]> {
    const data = await this.call('POST', `/api/openapi/v1/products/${encodeURIComponent(productId)}/pickup_code`, { machine_no: machineNo });
    const list = [data, (data as { list?: unknown } | null)?.list].find(Array.isArray) as unknown[] | undefined;
    return (list ?? []).filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null).map(toPickupCode);
  }

  private async call(method: 'PUT' | 'POST', path: string, fields: PickupFields): Promise<unknown> {
    const { baseUrl, appId, appSecret, signKey } = this.config;
    if (!baseUrl || !appId || !appSecret || !signKey) {
      const missing = Object.entries({ PICKUP_BASE_URL: baseUrl, PICKUP_APP_ID: appId, PICKUP_APP_SECRET: appSecret, PICKUP_SIGN_KEY: signKey })
        .filter(([, value]) => !value)
        .map(([name]) => name);
      throw vendorNotConfigured('PICKUP', missing);
    }
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { status, body } = await this.http({
      method,
      operation: fields.method ?? 'pickup_code.list',
      path,
      headers: { Appid: appId, AppSecret: appSecret },
      json: sealPickupPayload({ ...fields, timestamp }, signKey),
    });
    const answer = body as { code?: unknown; data?: unknown } | null;
    const code = typeof answer === 'object' && answer !== null ? readResultCode(answer.code) : undefined;
    if (code === undefined) {
      if (status === 401) throw pickupError(401, status);
      throw vendorUnavailable('PICKUP', { message: 'the answer is not a {code, message, data} object', status });
    }
    if (status === 401 || code !== PICKUP_OK) throw pickupError(code, status);
    return answer!.data;
  }
}

function toPickupCode(item: Record<string, unknown>): VendorPickupCode {
  const status = String(item.status ?? 'UNKNOWN').toUpperCase() as PickupCodeState;
  const quantity = Number(item.quantity);
  return {
    id: String(item.id),
    code: item.code === undefined || item.code === null ? null : String(item.code),
    status: STATES.has(status) ? status : 'UNKNOWN',
    createdAt: parseVendorTime(item.created_at),
    expiresAt: parseVendorTime(item.expired_at),
    quantity: Number.isFinite(quantity) && item.quantity !== null && item.quantity !== '' ? quantity : null,
  };
}

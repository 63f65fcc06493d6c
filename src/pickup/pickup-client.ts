import { missingSettings, type PickupConfig } from '../merchants/accounts.js';
import { requireSettings, vendorUnavailable } from '../errors/errors.js';
import { expectJsonObject, type VendorHttp } from '../vendor-http/vendor-http.js';
import type { CallScope } from '../observability/request-scope.js';
import { readResultCode } from '../vendor-http/vendor-answer.js';
import { parseVendorTime } from '../vendor-http/vendor-time.js';
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
  constructor(
    private readonly config: PickupConfig,
    private readonly http: VendorHttp,
  ) {}

  async cancelOne(machineNo: string, pickupCodeId: string, scope?: CallScope): Promise<void> {
    await this.call('PUT', CODES_PATH, { machine_no: machineNo, method: 'pickup_code.delete.id', id: pickupCodeId }, scope);
  }

  async cancelAll(machineNo: string, scope?: CallScope): Promise<void> {
    await this.call('PUT', CODES_PATH, { machine_no: machineNo, method: 'pickup_code.delete.all' }, scope);
  }

  async listCodes(machineNo: string, productId: string, scope?: CallScope): Promise<VendorPickupCode[]> {
    const path = `/api/openapi/v1/products/${encodeURIComponent(productId)}/pickup_code`;
    const data = await this.call('POST', path, { machine_no: machineNo }, scope);
    const list = [data, (data as { list?: unknown } | null)?.list].find(Array.isArray) as unknown[] | undefined;
    return (list ?? []).filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null).map(toPickupCode);
  }

  private async call(method: 'PUT' | 'POST', path: string, fields: PickupFields, scope: CallScope | undefined): Promise<unknown> {
    requireSettings('PICKUP', missingSettings.PICKUP(this.config));
    const { appId, appSecret, signKey } = this.config as Required<PickupConfig>;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { status, body } = await this.http({
      method,
      operation: fields.method ?? 'pickup_code.list',
      path,
      headers: { Appid: appId, AppSecret: appSecret },
      json: sealPickupPayload({ ...fields, timestamp }, signKey),
      scope,
    });
    if (status === 401) {
      // Missing or refused headers: the body may not even be the usual envelope.
      const given = typeof body === 'object' && body !== null ? readResultCode((body as { code?: unknown }).code) : undefined;
      throw pickupError(given ?? 401, status);
    }
    const answer = expectJsonObject('PICKUP', { status, body }, 'a {code, message, data} object');
    const code = readResultCode(answer.code);
    if (code === undefined) throw vendorUnavailable('PICKUP', { message: 'the answer carries no readable code', status });
    if (code !== PICKUP_OK) throw pickupError(code, status);
    return answer.data;
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

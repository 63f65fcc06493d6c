import { missingSettings, type FeyinConfig } from '../merchants/accounts.js';
import { requireSettings, vendorUnavailable } from '../errors/errors.js';
import { expectJsonObject, type VendorHttp, type VendorRequest } from '../vendor-http/vendor-http.js';
import type { CallScope } from '../observability/request-scope.js';
import { TokenCache, withTokenRenewal, type SharedTokenSlot, type TokenEvents } from '../vendor-http/token-cache.js';
import { parseVendorTime } from '../vendor-http/vendor-time.js';
import { readResultCode } from '../vendor-http/vendor-answer.js';
import { FEYIN_DEVICE_CODES, FEYIN_INVALID_TOKEN, FEYIN_MESSAGE_NOT_FOUND, feyinError, feyinVerdict } from './feyin-errors.js';

export interface FeyinPrinterStatus {
  deviceNo: string;
  status: string | null;
  paperStatus: string | null;
  since: Date | null;
  lastConnectedAt: Date | null;
}

export interface FeyinMessageStatus {
  msgNo: string;
  status: string | null;
  createdAt: Date | null;
  printedAt: Date | null;
}

type FeyinBody = Record<string, unknown>;

/** Where every replica keeps the account's one token (Feyin invalidates the previous token on each fetch). */
export interface SharedToken {
  slot: SharedTokenSlot;
  /** How long a fetch may take before another replica may take it over. */
  fetchLeaseMs: number;
}

/** How to read one call's answer: which errcodes mean "no such record", which data fields a success carries. */
interface FeyinCallOptions {
  absentCodes?: number[];
  /** Set for calls documented without an errcode (VENDORS.md §1): their success is these fields. */
  dataFields?: readonly string[];
}

/** The answers Feyin documents without an errcode, and the fields that make them a success. */
const MESSAGE_STATUS_FIELDS = ['status'];
const PRINTER_STATUS_FIELDS = ['status'];
const TOKEN_FIELDS = ['access_token'];
/** `GET /devices` has no documented shape: any errcode must be readable, `listPrinters` checks the rest. */
const UNDOCUMENTED: readonly string[] = [];

const str = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value));

/** Feyin's open API (VENDORS.md §1): every call carries the cached `access_token` in its query string. */
export class FeyinClient {
  readonly tokens: TokenCache;
  /** How many status calls one request's batch may have in flight. */
  readonly batchConcurrency: number;

  constructor(
    private readonly config: FeyinConfig,
    private readonly http: VendorHttp,
    options: { tokenEvents?: TokenEvents; batchConcurrency?: number; sharedToken?: SharedToken } = {},
  ) {
    this.tokens = new TokenCache(() => this.issueToken(), {
      ...options.tokenEvents,
      shared: options.sharedToken?.slot,
      fetchLeaseMs: options.sharedToken?.fetchLeaseMs,
    });
    this.batchConcurrency = options.batchConcurrency ?? 8;
  }

  /** Cancels a message the printer has not started; Feyin refuses once it is sent to the device. */
  async cancelMessage(msgNo: string, scope?: CallScope): Promise<void> {
    await this.call({ method: 'POST', path: `/msg/${encodeURIComponent(msgNo)}/cancel`, operation: 'msg.cancel', scope });
  }

  /** `null` when Feyin has no such message. */
  async messageStatus(msgNo: string, scope?: CallScope): Promise<FeyinMessageStatus | null> {
    const body = await this.call(
      { method: 'GET', path: `/msg/${encodeURIComponent(msgNo)}/status`, operation: 'msg.status', scope },
      { absentCodes: [FEYIN_MESSAGE_NOT_FOUND], dataFields: MESSAGE_STATUS_FIELDS },
    );
    if (body === null) return null;
    return {
      msgNo: str(body.msg_no) ?? msgNo,
      status: str(body.status),
      createdAt: parseVendorTime(body.msg_time),
      printedAt: parseVendorTime(body.print_time),
    };
  }

  /** `null` when Feyin does not know the printer (or it is not bound to our account). */
  async printerStatus(deviceNo: string, scope?: CallScope): Promise<FeyinPrinterStatus | null> {
    const body = await this.call(
      { method: 'GET', path: `/device/${encodeURIComponent(deviceNo)}/status`, operation: 'device.status', scope },
      { absentCodes: FEYIN_DEVICE_CODES, dataFields: PRINTER_STATUS_FIELDS },
    );
    return body === null ? null : toPrinterStatus(body, deviceNo);
  }

  /**
   * Every printer of the account with its status, from `GET /devices`, or `null` when the
   * answer does not carry statuses (its shape is undocumented), so callers fall back to
   * `printerStatus` per device.
   */
  async listPrinters(scope?: CallScope): Promise<FeyinPrinterStatus[] | null> {
    const body = await this.call({ method: 'GET', path: '/devices', operation: 'devices', scope }, { dataFields: UNDOCUMENTED });
    const list = [body.devices, body.data, body.list, body].find(Array.isArray) as unknown[] | undefined;
    if (!list) return null;
    const printers = list.filter(
      (d): d is Record<string, unknown> => typeof d === 'object' && d !== null && 'device_no' in d && 'status' in d,
    );
    if (printers.length !== list.length) return null;
    return printers.map((device) => toPrinterStatus(device, String(device.device_no)));
  }

  private async issueToken() {
    const { memberCode, apiKey, appId } = this.requireCredentials();
    const searchParams: Record<string, string> = { code: memberCode, secret: apiKey };
    if (appId) searchParams.appid = appId;
    const body = await this.send({ method: 'GET', path: '/token', searchParams, operation: 'token' });
    const verdict = feyinVerdict(body, TOKEN_FIELDS);
    if (typeof verdict === 'number') throw feyinError(verdict);
    const token = str(body.access_token);
    if (verdict === 'unreadable' || !token) throw vendorUnavailable('FEYIN', { message: 'the token answer has no access_token' });
    return { token, expiresInSec: Number(body.expires_in) || 7200 };
  }

  /**
   * Calls an authenticated endpoint, renewing the token once on 40014. Returns `null` when
   * Feyin answers one of `absentCodes` (the record does not exist).
   */
  private async call(request: VendorRequest, options: FeyinCallOptions & { absentCodes: number[] }): Promise<FeyinBody | null>;
  private async call(request: VendorRequest, options?: Omit<FeyinCallOptions, 'absentCodes'>): Promise<FeyinBody>;
  private async call(request: VendorRequest, options: FeyinCallOptions = {}): Promise<FeyinBody | null> {
    this.requireCredentials();
    const body = await withTokenRenewal(
      this.tokens,
      (token) => this.send({ ...request, searchParams: { ...request.searchParams, access_token: token } }),
      (answer) => readResultCode(answer.errcode) === FEYIN_INVALID_TOKEN,
    );
    const verdict = feyinVerdict(body, options.dataFields);
    if (verdict === 'ok') return body;
    if (verdict === 'unreadable') throw vendorUnavailable('FEYIN', { message: 'the answer carries no readable errcode or expected data' });
    if (options.absentCodes?.includes(verdict)) return null;
    throw feyinError(verdict);
  }

  private async send(request: VendorRequest): Promise<FeyinBody> {
    return expectJsonObject('FEYIN', await this.http(request));
  }

  private requireCredentials(): { memberCode: string; apiKey: string; appId?: string } {
    requireSettings('FEYIN', missingSettings.FEYIN(this.config));
    const { memberCode, apiKey, appId } = this.config;
    return { memberCode: memberCode!, apiKey: apiKey!, appId };
  }
}

function toPrinterStatus(device: Record<string, unknown>, deviceNo: string): FeyinPrinterStatus {
  return {
    deviceNo: str(device.device_no) ?? deviceNo,
    status: str(device.status),
    paperStatus: str(device.paper_status),
    since: parseVendorTime(device.since),
    lastConnectedAt: parseVendorTime(device.last_connected_at),
  };
}

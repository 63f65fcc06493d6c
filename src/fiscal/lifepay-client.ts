import { missingSettings, type LifepayAccount } from '../merchants/accounts.js';
import { requireSettings, vendorUnavailable } from '../errors/errors.js';
import { expectJsonObject, type VendorHttp } from '../vendor-http/vendor-http.js';
import type { CallScope } from '../observability/request-scope.js';
import { readResultCode } from '../vendor-http/vendor-answer.js';
import { LIFEPAY_OK, lifepayError } from './lifepay-errors.js';
import type { XReportOrder } from './x-report-order.js';

/** The body of `create-x-report` as we record it: everything but `apikey`, which is added at send time. */
export interface XReportRequest {
  login: string;
  test: 0 | 1;
  target_serial?: string;
  ext_id: string;
  callback_url?: string;
  callback_data?: unknown;
}

export interface XReportAccepted {
  /** LifePay's document id; none in test mode. */
  uuid: string | null;
}

/** LifePay only considers HTTP 200 an answer; any other status means "repeat the same request". */
export const lifepayAnswered = (status: number) => status === 200;

/** LifePay's cloud-print API (VENDORS.md §4): JSON bodies, `apikey` in every body, `code` 0 for success. */
export class LifepayClient {
  constructor(
    private readonly config: LifepayAccount,
    private readonly http: VendorHttp,
  ) {}

  /** The account's login (LIFEPAY_LOGIN, or the merchant's): an X-report's when its caller names none. */
  get defaultLogin(): string | undefined {
    return this.config.login;
  }

  /** Throws VENDOR_NOT_CONFIGURED unless an API key is set. */
  requireCredentials(): { apiKey: string } {
    requireSettings('LIFEPAY', missingSettings.LIFEPAY(this.config));
    return { apiKey: this.config.apiKey! };
  }

  /** LifePay's wire body for an order: what the outbox records and repeats, unchanged, on every attempt. */
  xReportRequest(order: XReportOrder, callbackUrl?: string): XReportRequest {
    return {
      login: order.login,
      test: order.test ? 1 : 0,
      ...(order.targetSerial !== undefined ? { target_serial: order.targetSerial } : {}),
      ext_id: order.extId,
      // Test mode sends no callbacks.
      ...(callbackUrl !== undefined && !order.test ? { callback_url: callbackUrl } : {}),
      ...(order.callbackData !== undefined && order.callbackData !== null ? { callback_data: order.callbackData } : {}),
    };
  }

  /**
   * Asks the register to print an X-report. Throws `lifepayError` for a refusal (HTTP 200,
   * code ≠ 0) and VENDOR_UNAVAILABLE for anything that is not an HTTP 200 JSON answer.
   */
  async createXReport(request: XReportRequest, scope?: CallScope): Promise<XReportAccepted> {
    const { apiKey } = this.requireCredentials();
    const response = await this.http({
      method: 'POST',
      path: '/cloud-print/create-x-report',
      operation: 'create-x-report',
      json: { apikey: apiKey, ...request },
      scope,
    });
    const body = expectJsonObject('LIFEPAY', response, 'a LifePay envelope');
    const { data } = body;
    // Only a readable code counts: "" or null is not LifePay saying 0, so the document is retried.
    const code = readResultCode(body.code);
    if (code === undefined) throw vendorUnavailable('LIFEPAY', { message: 'the answer carries no readable result code', status: 200 });
    // The callback URL holds our callback token: as secret as the API key if LifePay echoes it.
    if (code !== LIFEPAY_OK) throw lifepayError(code, data, [apiKey, request.callback_url]);
    // PHP serialises an empty `data` as []: test mode answers without a uuid.
    const uuid = typeof data === 'object' && data !== null && 'uuid' in data ? (data as { uuid: unknown }).uuid : null;
    return { uuid: typeof uuid === 'string' && uuid !== '' ? uuid : null };
  }
}

import { VendorError } from '../errors/errors.js';
import { redactSecrets } from '../vendor-http/vendor-answer.js';

/** PhalApi's envelope: `ret` is the transport-level verdict, `data` the business answer. */
export interface ApiusbEnvelope {
  ret: number;
  data?: unknown;
  msg?: string;
}

export interface ApiusbBusinessAnswer {
  code?: number | string;
  message?: string;
  data?: unknown;
}

export const APIUSB_OK = 200;
export const APIUSB_BAD_TOKEN = 406;
const ORDER_MISSING = /不存在|not exist|not found|no such/i;
/** A refusal that means the order was cancelled before (by us or anyone). */
const ORDER_FINISHED = /已取消|already cancel/i;

/**
 * APIUSB `ret` (and, inside `ret` 200, the business `data.code`) → the error vocabulary. The
 * vendor's words are quoted without `secrets` (it may echo the token or app secret it got).
 */
export function apiusbError(envelope: ApiusbEnvelope, secrets: ReadonlyArray<string | undefined> = []): VendorError {
  const { ret } = envelope;
  if (ret === APIUSB_OK) {
    const business = (envelope.data ?? {}) as ApiusbBusinessAnswer;
    const code = business.code ?? null;
    const message = typeof business.message === 'string' ? redactSecrets(business.message, secrets).trim() : '';
    const said = message ? message.slice(0, 200) : 'no reason given';
    if (Number(code) === 404 || ORDER_MISSING.test(said)) {
      return new VendorError('APIUSB', 'NOT_FOUND', `APIUSB has no such order (${said})`, { vendorCode: code });
    }
    if (ORDER_FINISHED.test(said)) {
      return new VendorError('APIUSB', 'FAILED_PRECONDITION', `APIUSB can no longer cancel this order (${said})`, { vendorCode: code });
    }
    return new VendorError('APIUSB', 'VENDOR_ERROR', `APIUSB refused: ${said}`, { vendorCode: code });
  }
  if (ret === 400) return new VendorError('APIUSB', 'BAD_USER_INPUT', 'APIUSB rejected the request parameters', { vendorCode: ret });
  if (ret === 404) {
    return new VendorError('APIUSB', 'VENDOR_ERROR', 'APIUSB does not offer this service: check APIUSB_BASE_URL', { vendorCode: ret });
  }
  if (ret === APIUSB_BAD_TOKEN) {
    return new VendorError('APIUSB', 'VENDOR_AUTH_FAILED', 'APIUSB rejected the access token even after renewing it', { vendorCode: ret });
  }
  if (ret >= 500)
    return new VendorError('APIUSB', 'VENDOR_UNAVAILABLE', `APIUSB failed with a server error (ret ${ret})`, { vendorCode: ret });
  return new VendorError('APIUSB', 'VENDOR_ERROR', `APIUSB refused the request (ret ${ret})`, { vendorCode: ret });
}

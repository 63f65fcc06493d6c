import { VendorError, type ErrorCode } from '../errors/errors.js';
import { readResultCode } from '../vendor-http/vendor-answer.js';

const FEYIN_OK = 0;
export const FEYIN_INVALID_TOKEN = 40014;
export const FEYIN_MESSAGE_NOT_FOUND = 40005;
export const FEYIN_DEVICE_CODES = [40002, 10001];

const FEYIN_CODES: Record<number, [ErrorCode, string]> = {
  [-1]: ['VENDOR_UNAVAILABLE', 'Feyin is busy, try again shortly'],
  40001: ['BAD_USER_INPUT', 'Feyin rejected a request parameter'],
  40002: ['NOT_FOUND', 'Feyin does not know this printer, or it is not bound to our account'],
  10001: ['NOT_FOUND', 'Feyin does not know this printer'],
  40003: ['VENDOR_AUTH_FAILED', 'Feyin does not know the configured app id'],
  40004: ['VENDOR_AUTH_FAILED', 'Feyin does not know the configured member code'],
  40005: ['NOT_FOUND', 'Feyin has no print message with this number'],
  40011: ['VENDOR_AUTH_FAILED', 'Feyin rejected the configured API key'],
  40012: ['VENDOR_AUTH_FAILED', "Feyin refused this service's IP address (not whitelisted)"],
  40014: ['VENDOR_AUTH_FAILED', 'Feyin rejected the access token even after renewing it'],
  // Neither the seed nor the demo names the code for "already sent to the printer"; 40020 is the closest documented one.
  40020: ['FAILED_PRECONDITION', 'The message can no longer be cancelled: it was already sent to the printer, or cancelled'],
  40030: ['VENDOR_ERROR', 'Feyin could not bind the printer'],
  40031: ['VENDOR_ERROR', 'Feyin could not unbind the printer'],
  40080: ['VENDOR_AUTH_FAILED', 'Our Feyin account has no access to this app'],
  40081: ['VENDOR_AUTH_FAILED', 'Our Feyin account cannot access this member'],
  40082: ['VENDOR_AUTH_FAILED', 'The Feyin member has not authorised our app'],
};

/** Feyin `errcode` → the error vocabulary. */
export function feyinError(errcode: number): VendorError {
  const [code, message] = FEYIN_CODES[errcode] ?? ['VENDOR_ERROR', `Feyin refused the request (errcode ${errcode})`];
  return new VendorError('FEYIN', code, message, { vendorCode: errcode });
}

/** A Feyin answer read: success, the refusal's errcode, or nothing we can trust. */
export type FeyinVerdict = 'ok' | 'unreadable' | number;

/**
 * Reads a Feyin answer. Calls documented as `{errcode, errmsg}` succeed only on errcode 0.
 * Calls documented without an errcode (token, statuses: VENDORS.md §1) pass `dataFields`:
 * they succeed when errcode is absent (or 0) and every data field is there. An errcode of
 * `""`, `null` or any non-number is never success.
 */
export function feyinVerdict(body: Record<string, unknown>, dataFields?: readonly string[]): FeyinVerdict {
  const code = readResultCode(body.errcode);
  if (body.errcode !== undefined && code === undefined) return 'unreadable';
  if (code !== undefined && code !== FEYIN_OK) return code;
  if (dataFields) return dataFields.every((field) => body[field] !== undefined && body[field] !== null) ? 'ok' : 'unreadable';
  return code === FEYIN_OK ? 'ok' : 'unreadable';
}

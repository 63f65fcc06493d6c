import { VendorError, type ErrorCode } from '../errors/errors.js';

export const PICKUP_OK = 0;

const PICKUP_CODES: Record<number, [ErrorCode, string]> = {
  80002: ['NOT_FOUND', 'The vending machine vendor has no such pickup code record'],
  4004: ['NOT_FOUND', 'The vending machine vendor has no such record'],
  6026: ['NOT_FOUND', 'The vending machine vendor does not know this machine'],
  30001: ['NOT_FOUND', 'The vending machine vendor does not know this device'],
  30003: ['NOT_FOUND', 'The vending machine vendor does not know this device'],
  4003: ['BAD_USER_INPUT', 'The vending machine vendor rejected the request parameters'],
  10001: ['BAD_USER_INPUT', 'The vending machine vendor rejected the request parameters'],
  4006: ['VENDOR_AUTH_FAILED', 'The vending machine vendor rejected our payload signature (check PICKUP_SIGN_KEY)'],
  4009: ['VENDOR_AUTH_FAILED', 'The vending machine vendor rejected our app secret'],
  10008: ['VENDOR_AUTH_FAILED', 'The vending machine vendor received no Appid or AppSecret'],
  10009: ['VENDOR_AUTH_FAILED', 'Our merchant account with the vending machine vendor has expired'],
  10013: ['VENDOR_AUTH_FAILED', 'The vending machine vendor rejected our app secret'],
  10014: ['VENDOR_AUTH_FAILED', 'The vending machine vendor rejected our app id'],
  4008: ['FAILED_PRECONDITION', 'The vending machine is offline'],
  6025: ['FAILED_PRECONDITION', 'The vending machine is offline'],
  30002: ['FAILED_PRECONDITION', 'The vending machine is offline'],
  30004: ['FAILED_PRECONDITION', 'The vending machine is not operating'],
  6031: ['FAILED_PRECONDITION', 'Pickup codes are disabled on this vending machine'],
  6032: ['FAILED_PRECONDITION', 'The pickup code has expired'],
  6033: ['FAILED_PRECONDITION', 'The pickup code has already been used'],
};

/** Pickup vendor `code` (and HTTP 401) → the error vocabulary. */
export function pickupError(code: number, httpStatus = 200): VendorError {
  if (httpStatus === 401) {
    return new VendorError('PICKUP', 'VENDOR_AUTH_FAILED', 'The vending machine vendor refused our credentials (HTTP 401)', {
      vendorCode: code || 401,
    });
  }
  const [errorCode, message] = PICKUP_CODES[code] ?? ['VENDOR_ERROR', `The vending machine vendor refused the request (code ${code})`];
  return new VendorError('PICKUP', errorCode, message, { vendorCode: code });
}

import { VendorError, type ErrorCode, type FieldMessages } from '../errors/errors.js';
import { redactSecrets } from '../vendor-http/vendor-answer.js';

export const LIFEPAY_OK = 0;
const LIFEPAY_DATA_ERROR = 400;

const LIFEPAY_CODES: Record<number, [ErrorCode, string]> = {
  400: ['BAD_USER_INPUT', 'LifePay rejected the request data'],
  500: ['VENDOR_ERROR', 'LifePay reported an internal error; LifePay support has to be asked for the reason'],
  6000: ['VENDOR_ERROR', 'LifePay says the request data is in the wrong format'],
  6009: ['VENDOR_AUTH_FAILED', 'LifePay has no user with this login'],
  6010: ['VENDOR_AUTH_FAILED', 'LifePay has no user with this login and the configured API key'],
  6080: ['FAILED_PRECONDITION', 'Cloud fiscalisation is turned off for this LifePay account'],
  6095: ['VENDOR_AUTH_FAILED', 'LifePay denied access'],
};

/**
 * LifePay's body field names → the names of `PrintXReportInput`. Only the caller's own inputs
 * pass: a message about `apikey`, `callback_url` or an unknown field is ours to fix, not the
 * caller's, and may quote our credentials.
 */
const INPUT_FIELDS: Record<string, string> = {
  target_serial: 'targetSerial',
  ext_id: 'extId',
  callback_data: 'callbackData',
  login: 'login',
  test: 'test',
};

/**
 * LifePay's `code` (an HTTP 200 answer other than 0) → the error vocabulary. A refusal is
 * definite: repeating the same request gets the same answer, so none is retryable.
 * `secrets` are removed from the vendor's words before they reach the caller.
 */
export function lifepayError(code: number, data?: unknown, secrets: ReadonlyArray<string | undefined> = []): VendorError {
  const [errorCode, message] = LIFEPAY_CODES[code] ?? ['VENDOR_ERROR', `LifePay refused the request (code ${code})`];
  const fields = code === LIFEPAY_DATA_ERROR ? fieldMessages(data, secrets) : undefined;
  const named = fields ? `${message}: ${Object.keys(fields).join(', ')}` : message;
  return new VendorError('LIFEPAY', errorCode, named, { vendorCode: code, retryable: false, fields });
}

/** `{"target_serial": ["Принтер не найден."]}` → `{ targetSerial: ['Принтер не найден.'] }` (the vendor's words, kept, minus secrets). */
function fieldMessages(data: unknown, secrets: ReadonlyArray<string | undefined>): FieldMessages | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const fields: FieldMessages = {};
  for (const [name, value] of Object.entries(data)) {
    const field = Object.hasOwn(INPUT_FIELDS, name) ? INPUT_FIELDS[name] : undefined;
    if (field === undefined) continue;
    const messages = (Array.isArray(value) ? value : [value])
      .filter((m) => typeof m === 'string' || typeof m === 'number')
      .map((m) => redactSecrets(String(m), secrets).slice(0, 300));
    if (messages.length > 0) fields[field] = messages;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

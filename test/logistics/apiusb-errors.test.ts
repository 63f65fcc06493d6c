import { describe, expect, it } from 'vitest';
import { apiusbError } from '../../src/logistics/apiusb-errors.js';

describe('apiusbError', () => {
  it.each([
    [{ ret: 400 }, 'BAD_USER_INPUT', 400],
    [{ ret: 404 }, 'VENDOR_ERROR', 404],
    [{ ret: 406 }, 'VENDOR_AUTH_FAILED', 406],
    [{ ret: 500 }, 'VENDOR_UNAVAILABLE', 500],
    [{ ret: 503 }, 'VENDOR_UNAVAILABLE', 503],
    [{ ret: 418 }, 'VENDOR_ERROR', 418],
    [{ ret: 200, data: { code: 404, message: 'x' } }, 'NOT_FOUND', 404],
    [{ ret: 200, data: { code: 500, message: '订单不存在' } }, 'NOT_FOUND', 500],
    [{ ret: 200, data: { code: 403, message: 'collected' } }, 'VENDOR_ERROR', 403],
    [{ ret: 200, data: null }, 'VENDOR_ERROR', null],
  ])('%j → %s', (envelope, code, vendorCode) => {
    const error = apiusbError(envelope);
    expect(error.extensions).toMatchObject({ code, vendor: 'APIUSB', vendorCode, retryable: code === 'VENDOR_UNAVAILABLE' });
  });

  it("quotes the vendor's business message without our token or app secret", () => {
    const envelope = { ret: 200, data: { code: 403, message: 'token tok-1 of app sec-2 may not cancel' } };
    const error = apiusbError(envelope, ['tok-1', 'sec-2', undefined]);
    expect(error.message).toBe('APIUSB refused: token [redacted] of app [redacted] may not cancel');
  });
});

import { describe, expect, it } from 'vitest';
import { lifepayError } from '../../src/fiscal/lifepay-errors.js';

describe('lifepayError', () => {
  it.each([
    [400, 'BAD_USER_INPUT'],
    [500, 'VENDOR_ERROR'],
    [6000, 'VENDOR_ERROR'],
    [6009, 'VENDOR_AUTH_FAILED'],
    [6010, 'VENDOR_AUTH_FAILED'],
    [6080, 'FAILED_PRECONDITION'],
    [6095, 'VENDOR_AUTH_FAILED'],
    [7777, 'VENDOR_ERROR'],
  ])('code %i → %s, keeps vendorCode, not retryable', (vendorCode, code) => {
    const error = lifepayError(vendorCode);
    expect(error.extensions).toMatchObject({ code, vendor: 'LIFEPAY', vendorCode, retryable: false });
    expect(error.message).toMatch(/^[\x20-\x7e]+$/); // plain English
  });

  it("carries the vendor's per-field messages under our input names", () => {
    const error = lifepayError(400, { target_serial: ['Принтер не найден.'], ext_id: 'Слишком длинный.', some_field: [1] });
    expect(error.fields).toEqual({ targetSerial: ['Принтер не найден.'], extId: ['Слишком длинный.'], someField: ['1'] });
    expect(error.message).toBe('LifePay rejected the request data: targetSerial, extId, someField');
    expect(lifepayError(400, []).fields).toBeUndefined();
  });
});

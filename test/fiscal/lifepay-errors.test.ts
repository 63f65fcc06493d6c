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

  it("carries the vendor's per-field messages under our input names, for the caller's inputs only", () => {
    const error = lifepayError(400, { target_serial: ['Принтер не найден.'], ext_id: 'Слишком длинный.', test: [1], some_field: ['x'] });
    expect(error.fields).toEqual({ targetSerial: ['Принтер не найден.'], extId: ['Слишком длинный.'], test: ['1'] });
    expect(error.message).toBe('LifePay rejected the request data: targetSerial, extId, test');
    expect(lifepayError(400, []).fields).toBeUndefined();
  });

  it('drops messages about fields the caller does not give (apikey, callback_url, unknown ones)', () => {
    const error = lifepayError(400, {
      apikey: ['Неверный ключ key-123'],
      callback_url: ['https://x/cb/token-456'],
      __proto__x: ['?'],
      constructor: ['?'],
    });
    expect(error.fields).toBeUndefined();
    expect(error.message).toBe('LifePay rejected the request data');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', vendorCode: 400 });
  });

  it('removes our secrets from the messages it passes on', () => {
    const secrets = ['key-123', 'https://x/cb/token-456'];
    const data = { login: ['Пользователь 79990000000 с ключом key-123 не найден'], ext_id: ['see https://x/cb/token-456'] };
    const error = lifepayError(400, data, secrets);
    expect(error.fields).toEqual({ login: ['Пользователь 79990000000 с ключом [redacted] не найден'], extId: ['see [redacted]'] });
    expect(JSON.stringify(error.extensions) + error.message).not.toMatch(/key-123|token-456/);
  });
});

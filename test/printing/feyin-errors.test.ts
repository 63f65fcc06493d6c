import { describe, expect, it } from 'vitest';
import { feyinError } from '../../src/printing/feyin-errors.js';

describe('feyinError', () => {
  it.each([
    [-1, 'VENDOR_UNAVAILABLE', true],
    [40001, 'BAD_USER_INPUT', false],
    [40002, 'NOT_FOUND', false],
    [10001, 'NOT_FOUND', false],
    [40003, 'VENDOR_AUTH_FAILED', false],
    [40004, 'VENDOR_AUTH_FAILED', false],
    [40005, 'NOT_FOUND', false],
    [40011, 'VENDOR_AUTH_FAILED', false],
    [40012, 'VENDOR_AUTH_FAILED', false],
    [40014, 'VENDOR_AUTH_FAILED', false],
    [40020, 'FAILED_PRECONDITION', false],
    [40030, 'VENDOR_ERROR', false],
    [40031, 'VENDOR_ERROR', false],
    [40080, 'VENDOR_AUTH_FAILED', false],
    [40081, 'VENDOR_AUTH_FAILED', false],
    [40082, 'VENDOR_AUTH_FAILED', false],
  ])('errcode %i → %s', (errcode, code, retryable) => {
    const error = feyinError(errcode);
    expect(error.extensions).toEqual({ code, retryable, vendor: 'FEYIN', vendorCode: errcode });
    expect(error.message).toMatch(/^[A-Z]/);
  });

  it('keeps an unknown code as a generic vendor error', () => {
    const error = feyinError(49999);
    expect(error.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendorCode: 49999, retryable: false });
    expect(error.message).toContain('49999');
  });
});

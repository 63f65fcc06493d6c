import { describe, expect, it } from 'vitest';
import { pickupError } from '../../src/pickup/pickup-errors.js';

describe('pickupError', () => {
  it.each([
    [80002, 'NOT_FOUND'],
    [4004, 'NOT_FOUND'],
    [6026, 'NOT_FOUND'],
    [30003, 'NOT_FOUND'],
    [4006, 'VENDOR_AUTH_FAILED'],
    [4009, 'VENDOR_AUTH_FAILED'],
    [10008, 'VENDOR_AUTH_FAILED'],
    [10013, 'VENDOR_AUTH_FAILED'],
    [10014, 'VENDOR_AUTH_FAILED'],
    [4008, 'FAILED_PRECONDITION'],
    [30002, 'FAILED_PRECONDITION'],
    [6025, 'FAILED_PRECONDITION'],
    [6031, 'FAILED_PRECONDITION'],
    [6032, 'FAILED_PRECONDITION'],
    [6033, 'FAILED_PRECONDITION'],
    [4003, 'BAD_USER_INPUT'],
    [10001, 'BAD_USER_INPUT'],
    [77777, 'VENDOR_ERROR'],
  ])('code %i → %s', (code, expected) => {
    expect(pickupError(code).extensions).toMatchObject({ code: expected, vendor: 'PICKUP', vendorCode: code, retryable: false });
  });

  it('HTTP 401 is an auth failure whatever the body says', () => {
    expect(pickupError(10008, 401).extensions).toMatchObject({ code: 'VENDOR_AUTH_FAILED', vendorCode: 10008 });
  });
});

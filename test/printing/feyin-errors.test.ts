import { describe, expect, it } from 'vitest';
import { feyinError, feyinVerdict } from '../../src/printing/feyin-errors.js';

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

describe('feyinVerdict: a missing errcode is not success', () => {
  it.each([
    // Calls documented as {errcode, errmsg} (msg cancel, device clear): errcode 0 only.
    [{ errcode: 0, errmsg: 'ok' }, undefined, 'ok'],
    [{ errcode: '0', errmsg: 'ok' }, undefined, 'ok'],
    [{ errcode: 40020, errmsg: 'sent' }, undefined, 40020],
    [{ errcode: '40005' }, undefined, 40005],
    [{ errcode: '', errmsg: 'ok' }, undefined, 'unreadable'],
    [{ errcode: null, errmsg: 'ok' }, undefined, 'unreadable'],
    [{ errmsg: 'ok' }, undefined, 'unreadable'],
    [{ errcode: 'ok' }, undefined, 'unreadable'],
    [{}, undefined, 'unreadable'],
    // Calls documented without an errcode (token, statuses): the data fields are the success.
    [{ msg_no: 'M1', status: 'printed' }, ['status'], 'ok'],
    [{ errcode: 0, status: 'printed' }, ['status'], 'ok'],
    [{ errcode: 40005, errmsg: 'no msg' }, ['status'], 40005],
    [{ msg_no: 'M1' }, ['status'], 'unreadable'],
    [{ status: null }, ['status'], 'unreadable'],
    [{ errcode: '', status: 'printed' }, ['status'], 'unreadable'],
    [{ errcode: null, access_token: 't' }, ['access_token'], 'unreadable'],
    [{ access_token: 't', expires_in: 7200 }, ['access_token'], 'ok'],
    [{}, ['access_token'], 'unreadable'],
  ])('%j with data fields %j → %s', (body, dataFields, verdict) => {
    expect(feyinVerdict(body, dataFields)).toBe(verdict);
  });
});

import { describe, expect, it } from 'vitest';
import { openPickupPayload, sealPickupPayload, signPickupFields } from '../../src/pickup/pickup-signer.js';

describe('pickup payload signature', () => {
  it('matches the vendor documentation test vector', () => {
    const fields = { machine_no: '12345678', method: 'pickup_code.delete.id', id: '1122223', timestamp: '1714185061' };
    expect(signPickupFields(fields, '10086')).toBe('EBAFC7272E3BD08A187316823776D8DA');
  });

  it('ignores sign and empty values, and sorts keys by ASCII (upper case first)', () => {
    const base = { b: '2', a: '1', Z: '0' };
    expect(signPickupFields({ ...base, sign: 'whatever', empty: '' }, 'k')).toBe(signPickupFields(base, 'k'));
    expect(signPickupFields(base, 'k')).not.toBe(signPickupFields({ ...base, a: '9' }, 'k'));
  });

  it('seals into base64 JSON that opens to the same fields plus sign', () => {
    const fields = { machine_no: '12345678', method: 'pickup_code.delete.all', timestamp: '1714185061' };
    const opened = openPickupPayload(sealPickupPayload(fields, '10086').payload);
    expect(opened).toEqual({ ...fields, sign: signPickupFields(fields, '10086') });
    expect(opened).not.toHaveProperty('id');
    expect(openPickupPayload('%%%')).toBeNull();
    expect(openPickupPayload(Buffer.from('{"n":1}').toString('base64'))).toBeNull();
  });
});

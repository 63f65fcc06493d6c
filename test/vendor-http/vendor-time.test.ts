import { describe, expect, it } from 'vitest';
import { parseVendorTime } from '../../src/vendor-http/vendor-time.js';

describe('parseVendorTime', () => {
  it('reads Unix seconds and milliseconds', () => {
    expect(parseVendorTime(1714185061)?.toISOString()).toBe('2024-04-27T02:31:01.000Z');
    expect(parseVendorTime('1714185061000')?.toISOString()).toBe('2024-04-27T02:31:01.000Z');
  });
  it('reads vendor-local wall time as China Standard Time', () => {
    expect(parseVendorTime('2024-04-27 10:31:01')?.toISOString()).toBe('2024-04-27T02:31:01.000Z');
  });
  it('keeps explicit zones', () => {
    expect(parseVendorTime('2024-04-27T02:31:01Z')?.toISOString()).toBe('2024-04-27T02:31:01.000Z');
  });
  it('treats empty and unreadable values as absent', () => {
    for (const value of [null, undefined, '', 0, 'soon', {}]) expect(parseVendorTime(value)).toBeNull();
  });
});

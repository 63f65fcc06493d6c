import { describe, expect, it } from 'vitest';
import { secretFor, secretMatches } from '../../src/printing/feyin-callback-signer.js';
import { formatFeyinTime, parseFeyinTime, readFeyinCallback, REFUSAL_STATUS } from '../../src/printing/feyin-callback.js';

const KEY = 'sandbox-feyin-api-key';
// 2026-12-05 16:00:00 in China is 08:00:00 UTC.
const NOW = Date.UTC(2026, 11, 5, 8, 0, 0);
const check = { key: KEY, maxAgeSec: 300, now: () => NOW };

const printed = (payload: Record<string, unknown>) => JSON.stringify({ msg_type: 'msg_printed', payload });
const PRINTED = { device_no: '4600000000000001', msg_no: 'FY0001', print_time: '2026-12-05 16:00:00' };

describe('Feyin callback secret (md5 of the fields in Feyin order, then the key)', () => {
  it('matches values computed outside this code, per msg_type', () => {
    // Reference values: python3 hashlib.md5 of the concatenation given in VENDORS.md §1.
    expect(secretFor('msg_printed', PRINTED, KEY)).toBe('fd5afded7e2b52c580d932fbb4028223');
    expect(secretFor('device_status', { device_no: '4600000000000001', online_status: 'offline', paper_status: 'lack' }, KEY)).toBe(
      '432703a982167fd726399d2767473c51',
    );
    // appid + time + uid: not the order the fields are listed in.
    const auth = { uid: 'u-9', appid: 'app-1', time: '2026-12-05 16:00:00' };
    expect(secretFor('auth_added', auth, KEY)).toBe('ea72ec169b4d8e6aeca5779c39d44eed');
    expect(secretFor('auth_removed', auth, KEY)).toBe('ea72ec169b4d8e6aeca5779c39d44eed');
    // UTF-8, as Feyin's MD5Util hashes.
    expect(secretFor('msg_printed', { ...PRINTED, msg_no: '打印' }, 'key')).toBe('229d58b219d97c4003738a3c0970e812');
  });

  it('compares without throwing on any length, and only the exact secret matches', () => {
    const secret = secretFor('msg_printed', PRINTED, KEY);
    expect(secretMatches('msg_printed', PRINTED, KEY, secret)).toBe(true);
    expect(secretMatches('msg_printed', PRINTED, KEY, secret.toUpperCase())).toBe(false);
    expect(secretMatches('msg_printed', PRINTED, KEY, secret.slice(1))).toBe(false);
    expect(secretMatches('msg_printed', PRINTED, KEY, `${secret}0`)).toBe(false);
    expect(secretMatches('msg_printed', PRINTED, 'other-key', secret)).toBe(false);
  });
});

describe('Feyin callback times (yyyy-MM-dd HH:mm:ss, UTC+8)', () => {
  it('reads China time and writes it back', () => {
    expect(parseFeyinTime('2026-12-05 16:00:00')?.toISOString()).toBe('2026-12-05T08:00:00.000Z');
    expect(parseFeyinTime('2026-01-01 03:00:00')?.toISOString()).toBe('2025-12-31T19:00:00.000Z');
    expect(formatFeyinTime(new Date('2025-12-31T19:00:00Z'))).toBe('2026-01-01 03:00:00');
  });

  it('refuses any other shape, and dates that do not exist', () => {
    for (const bad of [
      '2026-12-05T16:00:00',
      '2026-12-05 16:00',
      '1764921600',
      '2026-02-31 10:00:00',
      '2026-12-05 24:00:00',
      ' 2026-12-05 16:00:00',
    ]) {
      expect(parseFeyinTime(bad), bad).toBeNull();
    }
  });
});

describe('reading a Feyin callback', () => {
  const signed = (payload: Record<string, string>) => ({ ...payload, secret: secretFor('msg_printed', payload, KEY) });

  it('accepts a signed msg_printed within the window', () => {
    expect(readFeyinCallback(printed(signed(PRINTED)), check)).toEqual({
      ok: true,
      callback: { msgType: 'msg_printed', deviceNo: PRINTED.device_no, msgNo: 'FY0001', printedAt: new Date('2026-12-05T08:00:00Z') },
    });
  });

  it('accepts device_status, auth_* and heartbeat', () => {
    const status = { device_no: 'D1', online_status: 'online', paper_status: 'nomal' };
    expect(
      readFeyinCallback(
        JSON.stringify({ msg_type: 'device_status', payload: { ...status, secret: secretFor('device_status', status, KEY) } }),
        check,
      ),
    ).toEqual({ ok: true, callback: { msgType: 'device_status', deviceNo: 'D1', onlineStatus: 'online', paperStatus: 'nomal' } });
    const auth = { uid: 'u-9', appid: 'app-1', time: '2026-12-05 15:58:00' };
    expect(
      readFeyinCallback(
        JSON.stringify({ msg_type: 'auth_removed', payload: { ...auth, secret: secretFor('auth_removed', auth, KEY) } }),
        check,
      ),
    ).toMatchObject({ ok: true, callback: { msgType: 'auth_removed', uid: 'u-9', appId: 'app-1' } });
    expect(readFeyinCallback('{"msg_type":"heartbeat"}', check)).toEqual({ ok: true, callback: { msgType: 'heartbeat' } });
  });

  it('takes a whole-number id as the text Feyin signed', () => {
    const payload = { ...PRINTED, secret: secretFor('msg_printed', PRINTED, KEY), device_no: 4600000000000001 };
    expect(readFeyinCallback(printed(payload), check)).toMatchObject({ ok: true });
  });

  const refusals: Array<[string, string, string]> = [
    ['not JSON', '{"msg_type":', 'malformed'],
    ['not an object', '[1]', 'malformed'],
    ['no msg_type', '{"payload":{}}', 'malformed'],
    ['an unknown msg_type', '{"msg_type":"msg_exploded","payload":{}}', 'unknown_type'],
    ['no payload', '{"msg_type":"msg_printed"}', 'malformed'],
    ['a missing field', printed({ device_no: 'D1', print_time: PRINTED.print_time, secret: 'x' }), 'missing_field'],
    ['an empty field', printed({ ...PRINTED, msg_no: '', secret: 'x' }), 'missing_field'],
    ['a field that is an object', printed({ ...PRINTED, msg_no: { $ne: 1 }, secret: 'x' }), 'malformed'],
    ['an id that is no path segment', printed({ ...PRINTED, msg_no: '../x', secret: 'x' }), 'malformed'],
    ['a control character', printed({ ...PRINTED, print_time: '2026-12-05\n16:00:00', secret: 'x' }), 'malformed'],
    ['no secret', printed(PRINTED), 'missing_secret'],
    ['a secret that is not a string', printed({ ...PRINTED, secret: 123 }), 'missing_secret'],
    ['a wrong secret', printed({ ...PRINTED, secret: secretFor('msg_printed', PRINTED, 'not-the-key') }), 'bad_secret'],
    ['a secret of another msg_type', printed({ ...PRINTED, secret: secretFor('device_status', PRINTED, KEY) }), 'bad_secret'],
    ['a time Feyin does not write (signed)', printed(signed({ ...PRINTED, print_time: '2026-12-05T16:00:00' })), 'malformed'],
    ['a print_time 301 s old', printed(signed({ ...PRINTED, print_time: '2026-12-05 15:54:59' })), 'stale'],
    ['a print_time 301 s ahead', printed(signed({ ...PRINTED, print_time: '2026-12-05 16:05:01' })), 'stale'],
  ];
  for (const [what, body, reason] of refusals) {
    it(`refuses ${what}: ${reason}`, () => {
      expect(readFeyinCallback(body, check)).toEqual({ ok: false, reason });
    });
  }

  it('keeps the window inclusive at CALLBACK_MAX_AGE and answers 401 for sender problems, 400 for the rest', () => {
    expect(readFeyinCallback(printed(signed({ ...PRINTED, print_time: '2026-12-05 15:55:00' })), check).ok).toBe(true);
    expect(readFeyinCallback(printed(signed({ ...PRINTED, print_time: '2026-12-05 16:05:00' })), check).ok).toBe(true);
    expect(REFUSAL_STATUS).toMatchObject({ bad_secret: 401, missing_secret: 401, no_key: 401, stale: 400, malformed: 400 });
  });

  it('trusts no signed callback without a key', () => {
    expect(readFeyinCallback(printed(signed(PRINTED)), { ...check, key: undefined })).toEqual({ ok: false, reason: 'no_key' });
    expect(readFeyinCallback(printed({ ...PRINTED, secret: secretFor('msg_printed', PRINTED, '') }), { ...check, key: '' })).toEqual({
      ok: false,
      reason: 'no_key',
    });
  });
});

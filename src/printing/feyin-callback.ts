import { FEYIN_SIGNED_FIELDS, isSignedType, secretMatches, type FeyinSignedType } from './feyin-callback-signer.js';
import { feyinId } from './printing-input.js';

/** A Feyin callback that passed every check, with its fields named as this service names them. */
export type FeyinCallback =
  | { msgType: 'msg_printed'; deviceNo: string; msgNo: string; printedAt: Date }
  | { msgType: 'device_status'; deviceNo: string; onlineStatus: string; paperStatus: string }
  | { msgType: 'auth_added' | 'auth_removed'; uid: string; appId: string; time: Date }
  | { msgType: 'heartbeat' };

/** Why a callback was refused: also the `outcome` label of `vendor_callbacks_total`. */
export type FeyinCallbackRefusal = 'malformed' | 'unknown_type' | 'missing_field' | 'missing_secret' | 'bad_secret' | 'no_key' | 'stale';

/** 401 when the sender is not shown to be Feyin, 400 when Feyin's own message cannot be used. */
export const REFUSAL_STATUS: Record<FeyinCallbackRefusal, 400 | 401> = {
  malformed: 400,
  unknown_type: 400,
  missing_field: 400,
  missing_secret: 401,
  bad_secret: 401,
  no_key: 401,
  stale: 400,
};

export type FeyinCallbackReading = { ok: true; callback: FeyinCallback } | { ok: false; reason: FeyinCallbackRefusal };

export interface FeyinCallbackCheck {
  /** FEYIN_CALLBACK_KEY; without one no signed callback can be trusted. */
  key: string | undefined;
  /** CALLBACK_MAX_AGE: how far a callback's own time may be from now, either way. */
  maxAgeSec: number;
  now?: () => number;
}

/** The field whose time bounds a replay (Feyin's demo drops older ones); device_status carries none. */
const TIMED_FIELD: Partial<Record<FeyinSignedType, string>> = { msg_printed: 'print_time', auth_added: 'time', auth_removed: 'time' };
/** Ids end up in URL paths and queries: the same rule as a msgNo or deviceNo a caller sends. */
const ID_FIELDS = new Set(['device_no', 'msg_no']);
const VALUE_MAX = 64;

/**
 * Reads a callback body (VENDORS.md §1): JSON `{msg_type, payload}`, every signed field present,
 * the md5 `secret` made with `key`, and its time within `maxAgeSec` of now. Checks in that
 * order, so only a sender holding the key learns whether its time was accepted.
 */
export function readFeyinCallback(text: string, check: FeyinCallbackCheck): FeyinCallbackReading {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isRecord(body) || typeof body.msg_type !== 'string') return { ok: false, reason: 'malformed' };
  const msgType = body.msg_type;
  if (msgType === 'heartbeat') return { ok: true, callback: { msgType } };
  if (!isSignedType(msgType)) return { ok: false, reason: 'unknown_type' };
  if (!isRecord(body.payload)) return { ok: false, reason: 'malformed' };

  const fields: Record<string, string> = {};
  for (const name of FEYIN_SIGNED_FIELDS[msgType]) {
    const value = fieldValue(body.payload[name]);
    if (value === undefined) return { ok: false, reason: 'missing_field' };
    if (value === null || (ID_FIELDS.has(name) && !isFeyinId(value))) return { ok: false, reason: 'malformed' };
    fields[name] = value;
  }
  const secret = body.payload.secret;
  if (typeof secret !== 'string' || secret === '') return { ok: false, reason: 'missing_secret' };
  if (!check.key) return { ok: false, reason: 'no_key' };
  if (!secretMatches(msgType, fields, check.key, secret)) return { ok: false, reason: 'bad_secret' };

  const timed = TIMED_FIELD[msgType];
  const time = timed ? parseFeyinTime(fields[timed]) : undefined;
  if (time === null) return { ok: false, reason: 'malformed' };
  const now = (check.now ?? Date.now)();
  if (time && Math.abs(now - time.getTime()) > check.maxAgeSec * 1000) return { ok: false, reason: 'stale' };

  switch (msgType) {
    case 'msg_printed':
      return { ok: true, callback: { msgType, deviceNo: fields.device_no, msgNo: fields.msg_no, printedAt: time! } };
    case 'device_status':
      return {
        ok: true,
        callback: { msgType, deviceNo: fields.device_no, onlineStatus: fields.online_status, paperStatus: fields.paper_status },
      };
    default:
      return { ok: true, callback: { msgType, uid: fields.uid, appId: fields.appid, time: time! } };
  }
}

const FEYIN_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const CHINA_OFFSET_MS = 8 * 3600_000;

/** `yyyy-MM-dd HH:mm:ss` in China time (UTC+8), exactly as Feyin signs it; `null` for anything else. */
export function parseFeyinTime(text: string): Date | null {
  const parts = FEYIN_TIME.exec(text);
  if (!parts) return null;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2026-02-31 over to March: such a time is not one Feyin wrote.
  if (formatFeyinTime(new Date(local - CHINA_OFFSET_MS)) !== text) return null;
  return new Date(local - CHINA_OFFSET_MS);
}

/** A time as Feyin writes it: `yyyy-MM-dd HH:mm:ss` in China time. */
export function formatFeyinTime(time: Date): string {
  return new Date(time.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A signed field as the text that was signed: a string, or a whole number as Feyin's JSON
 * may carry an id. `undefined` when absent, `null` when present but unusable.
 */
function fieldValue(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'string' ? value : Number.isSafeInteger(value) ? String(value) : null;
  if (text === null || text.length > VALUE_MAX || !text.isWellFormed() || /\p{Cc}/u.test(text)) return null;
  return text;
}

function isFeyinId(value: string): boolean {
  try {
    feyinId('id', value);
    return true;
  } catch {
    return false;
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The Feyin callbacks that carry a `secret`, and the payload fields it is the md5 of, in their
 * order (VENDORS.md §1, from Feyin's `FeyinCallbackController.java`). `heartbeat` is unsigned.
 */
export const FEYIN_SIGNED_FIELDS = {
  msg_printed: ['device_no', 'msg_no', 'print_time'],
  device_status: ['device_no', 'online_status', 'paper_status'],
  // Not alphabetical by accident: Feyin puts appid first.
  auth_added: ['appid', 'time', 'uid'],
  auth_removed: ['appid', 'time', 'uid'],
} as const satisfies Record<string, readonly string[]>;

export type FeyinSignedType = keyof typeof FEYIN_SIGNED_FIELDS;

export function isSignedType(msgType: string): msgType is FeyinSignedType {
  return Object.hasOwn(FEYIN_SIGNED_FIELDS, msgType);
}

/** Lower-case hex md5 (UTF-8) of the type's fields concatenated without separators, then the key. */
export function secretFor(msgType: FeyinSignedType, payload: Readonly<Record<string, string>>, key: string): string {
  const text = FEYIN_SIGNED_FIELDS[msgType].map((field) => payload[field] ?? '').join('') + key;
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** True when `secret` is the one `key` gives: compared in constant time, whatever the caller sent. */
export function secretMatches(msgType: FeyinSignedType, payload: Readonly<Record<string, string>>, key: string, secret: string): boolean {
  const expected = Buffer.from(secretFor(msgType, payload, key), 'utf8');
  const given = Buffer.from(secret, 'utf8');
  // timingSafeEqual needs equal lengths; an md5 hex is always 32 bytes, so the length tells nothing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

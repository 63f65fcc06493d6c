import { createHash } from 'node:crypto';

/** Payload fields are strings; `sign` is added by `sealPickupPayload`. */
export type PickupFields = Record<string, string>;

/**
 * The vendor's signature (dsjsdz/docs, signatory.md): every field but `sign`, empty values
 * dropped, keys in ASCII order, `k=v` joined by `&`, then `&key=<merchant key>`, md5, upper-case hex.
 */
export function signPickupFields(fields: PickupFields, merchantKey: string): string {
  const canonical = Object.keys(fields)
    .filter((key) => key !== 'sign' && fields[key] !== undefined && fields[key] !== '')
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('&');
  return createHash('md5').update(`${canonical}&key=${merchantKey}`, 'utf8').digest('hex').toUpperCase();
}

/** The request body: `{"payload": base64(JSON of the fields plus sign)}`. */
export function sealPickupPayload(fields: PickupFields, merchantKey: string): { payload: string } {
  const signed = { ...fields, sign: signPickupFields(fields, merchantKey) };
  return { payload: Buffer.from(JSON.stringify(signed), 'utf8').toString('base64') };
}

/** The vendor's side: decode a payload; `null` when it is not base64 JSON of strings. */
export function openPickupPayload(payload: unknown): PickupFields | null {
  if (typeof payload !== 'string' || payload === '') return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const fields = parsed as Record<string, unknown>;
    return Object.values(fields).every((value) => typeof value === 'string') ? (fields as PickupFields) : null;
  } catch {
    return null;
  }
}

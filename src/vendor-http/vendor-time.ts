/**
 * Vendor timestamps come as Unix seconds, milliseconds, ISO strings or
 * `YYYY-MM-DD HH:mm:ss` in the vendor's local time (China Standard Time for Feyin and
 * the pickup vendor). Anything else is treated as absent rather than guessed.
 */
export function parseVendorTime(value: unknown, localOffset = '+08:00'): Date | null {
  if (value === null || value === undefined || value === '' || value === 0) return null;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{9,13}$/.test(value))) {
    const n = Number(value);
    const date = new Date(n < 1e12 ? n * 1000 : n);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (typeof value !== 'string') return null;
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value);
  const date = new Date(local ? `${local[1]}T${local[2]}${localOffset}` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

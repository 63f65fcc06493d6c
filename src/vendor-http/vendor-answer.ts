/**
 * A vendor's result code as a number: an integer, or a string of digits ("0"). `undefined`
 * when it is missing or unreadable (`""`, `null`, `"ok"`, `1.5`): never to be taken for success.
 */
export function readResultCode(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d{1,10}$/.test(value)) return Number(value);
  return undefined;
}

const REDACTED = '[redacted]';

/**
 * Vendor text with every configured secret replaced, raw and URL-encoded: vendors echo what
 * they received, and that can be our API key or token on its way into an error message.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  const needles = [...new Set(secrets.filter((s): s is string => Boolean(s)).flatMap((s) => [s, encodeURIComponent(s)]))];
  // Longest first, so a secret that contains another is removed whole.
  needles.sort((a, b) => b.length - a.length);
  return needles.reduce((out, needle) => out.split(needle).join(REDACTED), text);
}

import { STATUS_CODES, type ServerResponse } from 'node:http';

/**
 * OWASP's secure-headers advice for every answer of this service: no content-type sniffing (a
 * JSON error quoting a caller's input never runs as HTML or script), and no Referer leaving a
 * GraphiQL page or callback URL (whose path holds a token) for another site.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Before anything else is written: `writeHead` later merges its own headers with these. */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** The same headers as raw lines, for answers written on a socket (refused upgrades, malformed requests). */
export const SECURITY_HEADER_LINES: readonly string[] = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`);

/** A whole bodiless HTTP/1.1 answer for a raw socket, which then closes. */
export function rawResponse(status: number, headers: Record<string, string> = {}): string {
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'connection: close',
    'content-length: 0',
    ...SECURITY_HEADER_LINES,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

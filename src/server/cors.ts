import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsOptions {
  /** Normalised CORS_ORIGINS patterns (src/config.ts): exact origins, `scheme://host:*` (any port), `*`. */
  origins: readonly string[];
  /** Seconds a browser may reuse a preflight answer. */
  preflightMaxAgeSec?: number;
}

/**
 * What a frontend may send: Apollo's CSRF prevention wants a JSON content type or one of its two
 * headers (either makes the browser ask first), plus the caller's token, W3C trace context and
 * our request id.
 */
export const CORS_REQUEST_HEADERS = [
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'authorization',
  'traceparent',
  'tracestate',
  'x-request-id',
] as const;

const METHODS = 'GET, POST, OPTIONS';

/** Whether a browser's `Origin` matches one of the patterns; `null` (sandboxed frames, files) never does. */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith(':*')));
  const anyPort = patterns.filter((pattern) => pattern.endsWith(':*')).map((pattern) => pattern.slice(0, -1));
  return (origin) => {
    if (origin === 'null') return false;
    if (exact.has('*') || exact.has(origin)) return true;
    return anyPort.some(
      (prefix) => origin === prefix.slice(0, -1) || (origin.startsWith(prefix) && /^\d{1,5}$/.test(origin.slice(prefix.length))),
    );
  };
}

/**
 * CORS for frontends that call `/graphql` directly: an allowed origin gets its own origin back
 * (never credentials: callers send bearer tokens, not cookies) and may read `x-request-id`; a
 * preflight is answered here, before Apollo. Any other origin gets no CORS header at all, so the
 * browser keeps the answer from the page. Apollo's CSRF prevention stays the guard against
 * simple requests, which browsers send without asking.
 */
export function corsPolicy(options: CorsOptions) {
  const allowed = originMatcher(options.origins);
  const maxAge = String(options.preflightMaxAgeSec ?? 600);
  const allowHeaders = CORS_REQUEST_HEADERS.join(', ');
  return {
    /** Sets the CORS headers; true when this was a preflight, now answered. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      // The answer depends on Origin, for any cache between us and the browser.
      res.setHeader('vary', 'Origin');
      const origin = req.headers.origin;
      const ok = origin !== undefined && allowed(origin);
      if (ok) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-expose-headers', 'x-request-id');
      }
      if (req.method !== 'OPTIONS') return false;
      if (ok && req.headers['access-control-request-method']) {
        res.setHeader('access-control-allow-methods', METHODS);
        res.setHeader('access-control-allow-headers', allowHeaders);
        res.setHeader('access-control-max-age', maxAge);
      }
      res.writeHead(204, { allow: METHODS, 'content-length': 0 });
      res.end();
      return true;
    },
  };
}

// For `npm run bench` only; never in production (BENCH_ABLATE is refused when NODE_ENV=production).
import { VendorError } from '../errors/errors.js';
import { vendorOperation } from '../observability/metrics.js';
import {
  abortAtDeadline,
  isRedirect,
  vendorUnavailableFrom,
  VendorResponseError,
  VendorUnreachableError,
  type VendorHttp,
  type VendorHttpOptions,
} from './vendor-http.js';
import type { VendorTransports } from './vendor-transport.js';

/**
 * BENCH_ABLATE=ky: each vendor call as one `undici.request` on the vendor's own pool, the body
 * read whole, instead of ky building a Request and reading a Response's web stream: what the
 * bench subtracts to price ky and the fetch classes under it. It keeps what the service's
 * client does on every call (the deadline, the merchant's slot, the metrics, the
 * VENDOR_UNAVAILABLE errors), not its body bound, redirect log line, debug line or span.
 */
export function directVendorHttp(transports: VendorTransports): (options: VendorHttpOptions) => VendorHttp {
  return (options) => {
    const send = transports.requestFor(options.vendor);
    const accept = options.acceptStatuses ?? ((status: number) => status < 500);
    const unavailable = (cause: VendorUnreachableError | VendorResponseError) => vendorUnavailableFrom(options.vendor, cause);
    return async (request) => {
      const started = performance.now();
      const deadline = new AbortController();
      const timer = setTimeout(abortAtDeadline, options.timeoutMs, deadline);
      const operation = request.operation ?? vendorOperation(request.method, request.path);
      const record = (outcome: 'OK' | 'VENDOR_UNAVAILABLE') => {
        options.metrics?.vendorCalls.inc({ vendor: options.vendor, operation, outcome });
        options.metrics?.vendorLatency.observe({ vendor: options.vendor, operation }, (performance.now() - started) / 1000);
      };
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      let body: string | undefined;
      if (request.json !== undefined) {
        body = JSON.stringify(request.json);
        headers['content-type'] = 'application/json';
      } else if (request.form !== undefined) {
        body = String(new URLSearchParams(request.form));
        headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
      }
      const query = request.searchParams ? `?${new URLSearchParams(request.searchParams)}` : '';
      let release: (() => void) | undefined;
      try {
        if (options.slots && options.slots.limit !== Infinity) release = await options.slots.acquire(deadline.signal);
        const answer = await send(`${options.baseUrl}${request.path}${query}`, {
          method: request.method,
          headers,
          body,
          signal: deadline.signal,
        });
        const status = answer.statusCode;
        if (isRedirect(status) || !accept(status)) {
          answer.body.destroy();
          record('VENDOR_UNAVAILABLE');
          throw unavailable(new VendorResponseError(status, isRedirect(status) ? 'redirect' : 'status'));
        }
        const text = await answer.body.text();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          record('VENDOR_UNAVAILABLE');
          throw unavailable(new VendorResponseError(status, 'body'));
        }
        record('OK');
        return { status, body: parsed };
      } catch (error) {
        if (error instanceof VendorError) throw error;
        record('VENDOR_UNAVAILABLE');
        throw unavailable(new VendorUnreachableError(deadline.signal.aborted ? 'timeout' : 'network'));
      } finally {
        clearTimeout(timer);
        release?.();
      }
    };
  };
}

import ky, { type KyInstance, type Options } from 'ky';
import type { Logger } from './logger.js';
import type { Vendor } from './config.js';
import { vendorUnavailable } from './errors.js';
import { vendorOperation, type ServiceMetrics } from './metrics.js';
import { currentRequestId } from './request-scope.js';

/** The vendor could not be reached or did not answer in time. */
export class VendorUnreachableError extends Error {
  constructor(readonly reason: 'timeout' | 'network', options?: { cause?: unknown }) {
    super(reason === 'timeout' ? 'the vendor did not answer in time' : 'the vendor could not be reached', options);
    this.name = 'VendorUnreachableError';
  }
}

/** The vendor answered with a status or body we cannot read as its API. */
export class VendorResponseError extends Error {
  constructor(readonly status: number, readonly reason: 'status' | 'body') {
    super(reason === 'status' ? `the vendor answered HTTP ${status}` : `the vendor answered HTTP ${status} with an unreadable body`);
    this.name = 'VendorResponseError';
  }
}

export interface VendorResponse<T = unknown> {
  status: number;
  body: T;
}

export interface VendorRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** A bounded name for metrics (`msg.cancel`), never an id; defaults to the method and first path segment. */
  operation?: string;
  searchParams?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface VendorHttpOptions {
  vendor: Vendor;
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Statuses whose body is still the vendor's API answer (e.g. pickup's 401 with code 10008). */
  acceptStatuses?: (status: number) => boolean;
}

/** Throws a VENDOR_UNAVAILABLE `VendorError` (its `cause` one of the classes above) for transport failures. */
export type VendorHttp = (request: VendorRequest) => Promise<VendorResponse>;

const okOrClientError = (status: number) => status < 500;

/**
 * The one HTTP factory for every vendor: one ky instance each, no ky retries (each vendor
 * has its own rules), a per-attempt timeout, keep-alive from Node's fetch pool, and a debug
 * line per call that carries the path but never the query string (Feyin's token lives there).
 */
export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  const accept = options.acceptStatuses ?? okOrClientError;
  // No ky prefixUrl: it forces a trailing slash, and APIUSB's endpoint is the base URL itself.
  const client: KyInstance = ky.create({
    timeout: options.timeoutMs,
    retry: 0,
    throwHttpErrors: false,
    headers: { accept: 'application/json' },
  });

  const unavailable = (cause: VendorUnreachableError | VendorResponseError) => {
    const error = vendorUnavailable(options.vendor, { message: cause.message, status: cause instanceof VendorResponseError ? cause.status : undefined });
    error.cause = cause;
    return error;
  };

  return async (request) => {
    const started = performance.now();
    const kyOptions: Options = { method: request.method, headers: request.headers, searchParams: request.searchParams };
    if (request.json !== undefined) kyOptions.json = request.json;
    if (request.form !== undefined) kyOptions.body = new URLSearchParams(request.form);
    const operation = request.operation ?? vendorOperation(request.method, request.path);
    const logLine = (status: number | string, outcome: 'OK' | 'VENDOR_UNAVAILABLE') => {
      const seconds = (performance.now() - started) / 1000;
      options.metrics?.vendorCalls.inc({ vendor: options.vendor, operation, outcome });
      options.metrics?.vendorLatency.observe({ vendor: options.vendor, operation }, seconds);
      options.logger.debug(
        { requestId: currentRequestId(), vendor: options.vendor, method: request.method, path: request.path, status, durationMs: Math.round(seconds * 1000) },
        'vendor call',
      );
    };

    let response: Response;
    try {
      response = await client(`${options.baseUrl}${request.path}`, kyOptions);
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      logLine(timedOut ? 'timeout' : 'network-error', 'VENDOR_UNAVAILABLE');
      // Never keep ky's error as the cause: its message holds the full URL with the query string.
      throw unavailable(new VendorUnreachableError(timedOut ? 'timeout' : 'network'));
    }
    if (!accept(response.status)) {
      logLine(response.status, 'VENDOR_UNAVAILABLE');
      await response.body?.cancel();
      throw unavailable(new VendorResponseError(response.status, 'status'));
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      logLine(response.status, 'VENDOR_UNAVAILABLE');
      throw unavailable(new VendorResponseError(response.status, 'body'));
    }
    logLine(response.status, 'OK');
    return { status: response.status, body };
  };
}

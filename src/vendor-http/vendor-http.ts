import type { Context } from '@opentelemetry/api';
import ky, { type KyInstance, type Options } from 'ky';
import type { Logger } from '../observability/logger.js';
import { vendorUnavailable, type Vendor, type VendorError } from '../errors/errors.js';
import { vendorOperation, type ServiceMetrics } from '../observability/metrics.js';
import { scopeLogFields, type CallScope } from '../observability/request-scope.js';
import { endSpan, startSpan, type Tracing } from '../observability/tracing.js';
import type { MerchantShares, VendorCallSlots } from './call-slots.js';
import { BodyTooLargeError, readBoundedText } from './vendor-body.js';
import type { VendorFetch, VendorFetchOptions, VendorTransports } from './vendor-transport.js';

type UnreachableReason = 'timeout' | 'network' | 'interrupted';

const UNREACHABLE_MESSAGES: Record<UnreachableReason, string> = {
  timeout: 'the vendor did not answer in time',
  network: 'the vendor could not be reached',
  interrupted: "the vendor's answer was cut off",
};

/** The vendor could not be reached, did not finish its answer in time, or dropped the connection mid-answer. */
export class VendorUnreachableError extends Error {
  constructor(
    readonly reason: UnreachableReason,
    options?: { cause?: unknown },
  ) {
    super(UNREACHABLE_MESSAGES[reason], options);
    this.name = 'VendorUnreachableError';
  }
}

type ResponseReason = 'status' | 'body' | 'redirect' | 'too-large';

const RESPONSE_MESSAGES: Record<ResponseReason, (status: number) => string> = {
  status: (status) => `the vendor answered HTTP ${status}`,
  body: (status) => `the vendor answered HTTP ${status} with an unreadable body`,
  redirect: (status) => `the vendor answered with a redirect (HTTP ${status}), which is never followed`,
  'too-large': () => 'the vendor answer is larger than VENDOR_MAX_BODY_BYTES',
};

/** The vendor answered with a status or body we cannot read as its API. */
export class VendorResponseError extends Error {
  constructor(
    readonly status: number,
    readonly reason: ResponseReason,
  ) {
    super(RESPONSE_MESSAGES[reason](status));
    this.name = 'VendorResponseError';
  }
}

/**
 * How long an outbox attempt may hold its document: every vendor call is cut at
 * `vendorTimeoutMs` (name lookup, connecting, headers and body), so twice that plus the
 * store writes around it can only pass when the holder is gone. Both numbers derive from
 * VENDOR_TIMEOUT_MS.
 */
export function leaseMsFor(vendorTimeoutMs: number): number {
  return 2 * vendorTimeoutMs + 1000;
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
  /** The request (or outbox attempt) this call is made for: its ids in the log line, its span as the parent. */
  scope?: CallScope;
}

export interface VendorHttpOptions {
  vendor: Vendor;
  baseUrl: string;
  /** One deadline per attempt, covering name lookup, connecting, the headers and the whole body. */
  timeoutMs: number;
  /** A larger answer is VENDOR_UNAVAILABLE and is not read further. */
  maxBodyBytes: number;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** A span per call under the caller's span, when tracing is on and records the caller. */
  tracing?: Tracing;
  /** Statuses whose body is still the vendor's API answer (e.g. pickup's 401 with code 10008). */
  acceptStatuses?: (status: number) => boolean;
  /** ky's transport (`VendorTransports.fetchFor`); Node's global fetch when absent. */
  fetch?: VendorFetch;
  /**
   * The merchant's share of this vendor (MERCHANT_VENDOR_CONCURRENCY calls in flight): a call
   * waits for a slot within its own deadline. No limit besides the transport's when absent.
   */
  slots?: VendorCallSlots;
}

/** Throws a VENDOR_UNAVAILABLE `VendorError` (its `cause` one of the classes above) for transport failures. */
export type VendorHttp = (request: VendorRequest) => Promise<VendorResponse>;

/**
 * The answer's body as a JSON object, or VENDOR_UNAVAILABLE: every vendor API answers objects, so
 * an array, a scalar or `null` is an answer we cannot read. `shape` names what was expected.
 */
export function expectJsonObject(vendor: Vendor, response: VendorResponse, shape = 'a JSON object'): Record<string, unknown> {
  const { body, status } = response;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  throw vendorUnavailable(vendor, { message: `the answer is not ${shape}`, status });
}

/** The caller's headers with `content-type` added, unless they name one (as ky and `Request` do). */
function withContentType(headers: Record<string, string> | undefined, contentType: string): Record<string, string> {
  if (headers && Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) return headers;
  return { ...headers, 'content-type': contentType };
}

const okOrClientError = (status: number) => status < 500;
export const isRedirect = (status: number) => status >= 300 && status < 400;

/** Where a redirect pointed, for the log: origin and path only (a query string may carry anything). */
function redirectTarget(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    const url = new URL(location, base);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'unparseable';
  }
}

/** A transport failure or an unusable answer as VENDOR_UNAVAILABLE, keeping the cause (never shown to callers). */
export function vendorUnavailableFrom(vendor: Vendor, cause: VendorUnreachableError | VendorResponseError): VendorError {
  const error = vendorUnavailable(vendor, {
    message: cause.message,
    status: cause instanceof VendorResponseError ? cause.status : undefined,
  });
  error.cause = cause;
  return error;
}
/**
 * The one HTTP factory for every vendor: one ky instance each, no ky retries (each vendor
 * has its own rules), no redirects (they would re-send our credentials elsewhere), one
 * deadline per attempt over every stage (lookup, connect, headers, body), a bounded body,
 * keep-alive from the vendor's own pool (src/vendor-transport.ts), and a debug line per call
 * that carries the path but never the query string (Feyin's token lives there).
 */
export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  const accept = options.acceptStatuses ?? okOrClientError;
  const { slots } = options;
  // No ky `prefix` or `baseUrl`: `prefix` puts a slash before an empty path (APIUSB's endpoint is the
  // base URL itself), `baseUrl` resolves like a link and drops a base URL's path for our `/…` paths.
  // No ky `timeout` or `totalTimeout` either: they reach the body only through ky's `.json()`, which
  // `readBoundedText` replaces; the attempt's own deadline below covers headers and body.
  const client: KyInstance = ky.create({
    timeout: false,
    retry: 0,
    throwHttpErrors: false,
    redirect: 'manual',
    headers: { accept: 'application/json' },
    // ky types its `fetch` as the global one; ours takes the Request ky built, which is all ky passes.
    ...(options.fetch ? { fetch: options.fetch as NonNullable<Options['fetch']> } : {}),
  });

  const unavailable = (cause: VendorUnreachableError | VendorResponseError) => vendorUnavailableFrom(options.vendor, cause);

  return async (request) => {
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(abortAtDeadline, options.timeoutMs, deadline);
    const { method, headers, searchParams } = request;
    // No `headers` key without headers: ky's merge would take `undefined` for none and drop the `accept` default.
    const kyOptions: Options & VendorFetchOptions = headers ? { method, headers } : { method };
    if (options.fetch) {
      // The vendor transport takes the deadline and the body as its own options (cheaper, see
      // VendorFetchOptions), with the content type ky or the Request would have set.
      kyOptions.deadline = deadline.signal;
      if (request.json !== undefined) {
        kyOptions.vendorBody = JSON.stringify(request.json);
        kyOptions.headers = withContentType(headers, 'application/json');
      } else if (request.form !== undefined) {
        kyOptions.vendorBody = String(new URLSearchParams(request.form));
        kyOptions.headers = withContentType(headers, 'application/x-www-form-urlencoded;charset=UTF-8');
      }
    } else {
      kyOptions.signal = deadline.signal;
      if (request.json !== undefined) kyOptions.json = request.json;
      if (request.form !== undefined) kyOptions.body = new URLSearchParams(request.form);
    }
    const operation = request.operation ?? vendorOperation(request.method, request.path);
    const traceContext = request.scope?.traceContext;
    const span =
      options.tracing && traceContext ? vendorSpan(options.tracing, options.vendor, operation, request, traceContext) : undefined;
    const call: CallRecord = { started, operation, span, request };
    const url = `${options.baseUrl}${request.path}`;
    // The query string in the URL we pass, not ky's `searchParams`: that builds the Request twice.
    const query = searchParams ? `?${new URLSearchParams(searchParams)}` : '';

    let release: (() => void) | undefined;
    try {
      // After the timer starts: time spent waiting for a slot counts against the deadline, and a
      // call that runs out of it here ends as a timeout without reaching the vendor.
      // Unbounded (one merchant configured): nothing to count, no extra turn of the event loop.
      if (slots && slots.limit !== Infinity) {
        try {
          release = await slots.acquire(deadline.signal);
        } catch {
          recordCall(options, call, 'timeout', 'VENDOR_UNAVAILABLE', { queued: true });
          throw unavailable(new VendorUnreachableError('timeout'));
        }
      }
      // A `Response`, or the vendor transport's `VendorAnswer` (ky hands it on as it came).
      let response: Response;
      try {
        response = await client(url + query, kyOptions);
      } catch {
        const timedOut = deadline.signal.aborted;
        recordCall(options, call, timedOut ? 'timeout' : 'network-error', 'VENDOR_UNAVAILABLE');
        // Never keep ky's error as the cause: its message holds the full URL with the query string.
        throw unavailable(new VendorUnreachableError(timedOut ? 'timeout' : 'network'));
      }
      const { status } = response;
      if (isRedirect(status) || !accept(status)) {
        response.body?.cancel().catch(() => undefined);
        const redirect = isRedirect(status);
        recordCall(
          options,
          call,
          status,
          'VENDOR_UNAVAILABLE',
          redirect ? { redirectTo: redirectTarget(response.headers.get('location'), url) } : {},
        );
        throw unavailable(new VendorResponseError(status, redirect ? 'redirect' : 'status'));
      }
      let text: string;
      try {
        text = await readBoundedText(response, options.maxBodyBytes);
      } catch (error) {
        const cause =
          error instanceof BodyTooLargeError
            ? new VendorResponseError(status, 'too-large')
            : new VendorUnreachableError(deadline.signal.aborted ? 'timeout' : 'interrupted');
        recordCall(options, call, status, 'VENDOR_UNAVAILABLE', { failure: cause.reason });
        throw unavailable(cause);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        recordCall(options, call, status, 'VENDOR_UNAVAILABLE', { failure: 'body' });
        throw unavailable(new VendorResponseError(status, 'body'));
      }
      recordCall(options, call, status, 'OK');
      return { status, body };
    } finally {
      clearTimeout(timer);
      // Only once the body is read or given up: the slot stands for the vendor's socket.
      release?.();
    }
  };
}

export const abortAtDeadline = (deadline: AbortController) => deadline.abort(new DOMException('vendor attempt deadline', 'TimeoutError'));

/** What `recordCall` needs of one call. */
interface CallRecord {
  started: number;
  operation: string;
  span: ReturnType<typeof vendorSpan>;
  request: VendorRequest;
}

/** A call's end: its metric samples, its span's end, and a debug line (built only when debug lines are written). */
function recordCall(
  options: VendorHttpOptions,
  { started, operation, span, request }: CallRecord,
  status: number | string,
  outcome: 'OK' | 'VENDOR_UNAVAILABLE',
  detail?: Record<string, unknown>,
): void {
  const seconds = (performance.now() - started) / 1000;
  options.metrics?.vendorCalls.inc({ vendor: options.vendor, operation, outcome });
  options.metrics?.vendorLatency.observe({ vendor: options.vendor, operation }, seconds);
  if (span) {
    span.setAttributes(typeof status === 'number' ? { 'http.response.status_code': status, outcome } : { 'error.type': status, outcome });
    endSpan(options.tracing!, span, outcome === 'OK' ? undefined : outcome);
  }
  if (!options.logger.isLevelEnabled('debug')) return;
  options.logger.debug(
    {
      ...scopeLogFields(request.scope),
      vendor: options.vendor,
      method: request.method,
      path: request.path,
      status,
      durationMs: Math.round(seconds * 1000),
      ...detail,
    },
    'vendor call',
  );
}

/**
 * The call's span: vendor, operation (as in metrics), method and path. Never the query string
 * (Feyin's token), headers, body or signed payload; the span's duration is the call's.
 */
function vendorSpan(tracing: Tracing, vendor: Vendor, operation: string, request: VendorRequest, parent: Context) {
  const attributes = {
    vendor,
    'vendor.operation': operation,
    'http.request.method': request.method,
    'url.path': request.path || '/',
    ...(request.scope?.merchantId ? { merchant: request.scope.merchantId } : {}),
  };
  return startSpan(tracing, `${vendor} ${operation}`, { parent, kind: 'client', attributes })?.span;
}

/** What a domain names of one client's calls: how to read its answers, and whose account they use. */
export interface VendorHttpFor extends Pick<VendorHttpOptions, 'acceptStatuses' | 'slots'> {
  /** The merchant whose account makes these calls: they share its slots with this vendor (MERCHANT_VENDOR_CONCURRENCY). */
  merchant?: string;
}

/** Builds each vendor's `VendorHttp` with the settings every vendor shares; the domains name the rest. */
export type VendorHttpFactory = (vendor: Vendor, baseUrl: string, options?: VendorHttpFor) => VendorHttp;

export function vendorHttpFactory(
  shared: Pick<VendorHttpOptions, 'timeoutMs' | 'maxBodyBytes' | 'logger' | 'metrics' | 'tracing'> & {
    transports?: VendorTransports;
    /** Each merchant's share of each vendor (MERCHANT_VENDOR_CONCURRENCY); unbounded without. */
    merchantShares?: MerchantShares;
    /** Another client than `createVendorHttp`: the bench's ablation only (BENCH_ABLATE=ky), never in production. */
    create?: (options: VendorHttpOptions) => VendorHttp;
  },
): VendorHttpFactory {
  const { transports, merchantShares, create = createVendorHttp, ...settings } = shared;
  return (vendor, baseUrl, { merchant, ...options } = {}) => {
    const slots = options.slots ?? (merchant !== undefined ? merchantShares?.of(vendor, merchant) : undefined);
    return create({ ...settings, ...options, slots, vendor, baseUrl, fetch: transports?.fetchFor(vendor) });
  };
}

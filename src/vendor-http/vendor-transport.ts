import type { LookupFunction } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import type { Vendor } from '../errors/errors.js';
import { readBoundedStream, type BoundedTextSource } from './vendor-body.js';

export interface VendorTransportOptions {
  /** Sockets per vendor origin (VENDOR_CONNECTIONS); further calls queue for a free one. */
  connections: number;
  /** Requests in flight per socket (VENDOR_PIPELINING); 1 = none, the safe choice for servers we do not run. */
  pipelining: number;
  /** How long an idle socket is kept for the next call (VENDOR_KEEP_ALIVE_MS); a shorter `Keep-Alive` hint from the vendor wins. */
  keepAliveMs: number;
  /**
   * How long opening a socket may take, name lookup, TCP and TLS together: VENDOR_TIMEOUT_MS, so the
   * deadline is the one limit (undici's own 10 s would cut a longer one short) and no attempt outlives
   * the calls it was opened for by more than that (undici 7 kept an unwanted one for its 10 s).
   */
  connectTimeoutMs: number;
  /** Name resolution; Node's `dns.lookup` when absent. Tests inject one that never answers. */
  lookup?: LookupFunction;
}

/**
 * Options that are neither ky's nor `RequestInit`'s reach ky's `fetch` as its second argument
 * (ky 2 forwards every such key). The deadline travels there rather than as ky's `signal`,
 * which ky would merge with its own through `AbortSignal.any`: about a fifth of ky's CPU per
 * call, for a controller it never aborts here (`timeout: false`, no retries).
 */
export interface VendorFetchOptions {
  deadline?: AbortSignal;
  /**
   * The request body, already a string (JSON or a form), passed by the same route: the Request
   * ky builds then carries none, so neither ky nor the transport makes and reads back a stream
   * for it. The caller puts the content type among ky's headers.
   */
  vendorBody?: string;
}

/**
 * What ky's `fetch` option receives: the Request it built (URL with query string, headers) and
 * the options above. It answers a `Response`, or the transport's lighter `VendorAnswer`.
 */
export type VendorFetch = (request: Request, options?: VendorFetchOptions) => Promise<Response>;

type Undici = typeof import('undici');
let undiciLoading: Promise<Undici> | undefined;
/** undici is loaded on first use (or by `preload` once the server listens): start-up does not wait for it. */
const undici = (): Promise<Undici> => (undiciLoading ??= import('undici'));

// The Fetch standard forbids a body on these; `new Response(stream, { status: 204 })` throws.
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * The transport under ky: `undici.request` on one keep-alive Agent per vendor, instead of
 * Node's global `fetch` (several times the CPU per call). It keeps fetch's contract where the
 * callers rely on it: never follows a redirect (undici.request has no redirect handling), the
 * request's signal aborts the call and its body stream, and the body arrives as a web stream
 * so that `readBoundedText` counts and cancels it as before.
 */
export class VendorTransports {
  readonly #agents = new Map<Vendor, Agent>();

  constructor(private readonly options: VendorTransportOptions) {}

  /** ky's `fetch` for `vendor`: its own pool, so one slow vendor cannot take another's sockets. */
  fetchFor(vendor: Vendor): VendorFetch {
    return async (request, options) => {
      const loaded = await undici();
      return send(loaded, this.#agent(vendor, loaded), request, options) as unknown as Response;
    };
  }

  /**
   * `undici.request` on `vendor`'s pool, without ky, Request or Response: for the bench's
   * ablation only (src/vendor-http/bench-direct.ts, BENCH_ABLATE=ky).
   */
  requestFor(
    vendor: Vendor,
  ): (url: string, options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>) => Promise<Dispatcher.ResponseData> {
    return async (url, options) => {
      const loaded = await undici();
      return loaded.request(url, { ...options, dispatcher: this.#agent(vendor, loaded) });
    };
  }

  /** Loads the transport in the background, so the first vendor call does not wait for it. */
  preload(): void {
    undici().catch(() => undefined);
  }

  /** Closes every vendor's sockets; calls still in flight finish first (each is bounded by its deadline). */
  async close(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }

  #agent(vendor: Vendor, { Agent }: Undici): Agent {
    let agent = this.#agents.get(vendor);
    if (!agent) {
      const { connections, pipelining, keepAliveMs, connectTimeoutMs, lookup } = this.options;
      // HTTP/1.1 only, as under undici 7: undici 8 would take HTTP/2 where a vendor's TLS offers it, and
      // one multiplexed session (up to 100 streams) is not what VENDOR_CONNECTIONS and VENDOR_PIPELINING size.
      agent = new Agent({
        connections,
        pipelining,
        keepAliveTimeout: keepAliveMs,
        keepAliveMaxTimeout: keepAliveMs,
        allowH2: false,
        connect: { timeout: connectTimeoutMs, ...(lookup ? { lookup } : {}) },
      });
      this.#agents.set(vendor, agent);
    }
    return agent;
  }
}

async function send(
  { request: undiciRequest }: Undici,
  dispatcher: Agent,
  request: Request,
  options: VendorFetchOptions | undefined,
): Promise<VendorAnswer> {
  const signal = options?.deadline ?? request.signal;
  // A body ky was handed (the global-fetch route's `json`/`body`) is small: read whole.
  const body = options?.vendorBody ?? (request.body ? Buffer.from(await request.arrayBuffer()) : undefined);
  const url = request.url;
  const sent = undiciRequest(url, {
    dispatcher,
    method: request.method as Dispatcher.HttpMethod,
    headers: headerRecord(request.headers),
    body,
    signal,
  });
  const answer = await beforeDeadline(sent, signal);
  const status = answer.statusCode;
  if (NULL_BODY_STATUSES.has(status)) {
    answer.body.destroy();
    return new VendorAnswer(status, answer.headers, url, null);
  }
  return new VendorAnswer(status, answer.headers, url, answer.body);
}

/**
 * The transport's answer to ky: what ky and `createVendorHttp` read of a `Response` (ky takes
 * it for one by its `Symbol.toStringTag`), over undici's body as it came, without the web
 * stream, the `Headers` copy and the `Response` construction a fetch answer costs per call.
 * `boundedText` reads the body under VENDOR_MAX_BODY_BYTES (src/vendor-http/vendor-body.ts);
 * `body` makes a web stream only for a reader that asks for one. No `arrayBuffer()`: every
 * vendor answers text, and a caller wanting bytes should fail loudly, not get them decoded.
 * ky never clones it here: it clones a response only for its `afterResponse` hooks, and the
 * vendor client sets none.
 */
export class VendorAnswer implements BoundedTextSource {
  readonly type = 'basic';
  readonly redirected = false;
  readonly statusText = '';
  readonly headers: AnswerHeaders;
  #stream: Readable | null;
  #webStream: ReadableStream<Uint8Array> | null = null;
  #used = false;

  constructor(
    readonly status: number,
    headers: IncomingHttpHeaders,
    readonly url: string,
    stream: Readable | null,
  ) {
    this.headers = new AnswerHeaders(headers);
    this.#stream = stream;
  }

  get [Symbol.toStringTag](): string {
    return 'Response';
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /** A web stream over the body, made on first use (ky and the vendor client only cancel it). */
  get body(): ReadableStream<Uint8Array> | null {
    if (!this.#stream) return null;
    return (this.#webStream ??= webStream(this.#take()));
  }

  boundedText(maxBytes: number): Promise<string> {
    if (!this.#stream) return Promise.resolve('');
    return readBoundedStream(this.#take(), this.headers.get('content-length') ?? undefined, maxBytes);
  }

  text(): Promise<string> {
    return this.boundedText(Infinity);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  #take(): Readable {
    if (this.#used) throw new TypeError('the body of this answer was already read');
    this.#used = true;
    return this.#stream!;
  }
}

/** The answer's headers as undici gives them (lower-case names), behind the read side of `Headers`. */
class AnswerHeaders {
  constructor(readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const name of Object.keys(this.raw)) {
      const value = this.get(name);
      if (value !== null) callback(value, name);
    }
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw).sort()) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * undici's answer, or the deadline's reason as soon as it passes, whatever stage the request is
 * in: name lookup, connecting, TLS, waiting in the pool's queue or for the headers. undici 8 ends
 * a request at each of these when its signal aborts; undici 7 left one that waited for a socket
 * until its connect timeout (10 s, whatever VENDOR_TIMEOUT_MS said). The race keeps the deadline
 * ours whatever undici does; an answer that still comes after it is destroyed, not left half-read.
 */
function beforeDeadline(sent: Promise<Dispatcher.ResponseData>, deadline: AbortSignal): Promise<Dispatcher.ResponseData> {
  if (deadline.aborted) {
    discardLate(sent);
    return Promise.reject(deadline.reason);
  }
  return new DeadlineRace(sent, deadline).answer;
}

const destroyLate = (late: Dispatcher.ResponseData) => late.body.destroy();
const ignore = () => undefined;
/** An answer that comes after the deadline is destroyed, not left half-read. */
const discardLate = (sent: Promise<Dispatcher.ResponseData>) => void sent.then(destroyLate, ignore);

/** `beforeDeadline`'s race: the deadline's listener (`handleEvent`) and undici's callbacks are this one object's. */
class DeadlineRace {
  readonly answer: Promise<Dispatcher.ResponseData>;
  readonly #resolve: (answer: Dispatcher.ResponseData) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    private readonly sent: Promise<Dispatcher.ResponseData>,
    private readonly deadline: AbortSignal,
  ) {
    const { promise, resolve, reject } = Promise.withResolvers<Dispatcher.ResponseData>();
    this.answer = promise;
    this.#resolve = resolve;
    this.#reject = reject;
    deadline.addEventListener('abort', this, { once: true });
    sent.then(this.#answered.bind(this), this.#failed.bind(this));
  }

  /** The deadline passed first. */
  handleEvent(): void {
    this.#reject(this.deadline.reason);
    discardLate(this.sent);
  }

  #answered(answer: Dispatcher.ResponseData): void {
    this.deadline.removeEventListener('abort', this);
    this.#resolve(answer);
  }

  #failed(error: unknown): void {
    this.deadline.removeEventListener('abort', this);
    this.#reject(error);
  }
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/**
 * The undici body as a web stream, cheaper than `Readable.toWeb`: chunks pass as they come,
 * the socket pauses while the reader lags, an abort or reset errors the reader, and cancelling
 * destroys the body, which closes the connection instead of draining a hostile answer.
 */
function webStream(body: Readable): ReadableStream<Uint8Array> {
  // A destroyed Readable may still emit a chunk it had queued: the controller must not see it.
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      body.on('data', (chunk: Buffer) => {
        if (!open) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) body.pause();
      });
      body.once('end', () => {
        if (open) controller.close();
        open = false;
      });
      body.once('error', (error) => {
        if (open) controller.error(error);
        open = false;
      });
    },
    pull() {
      body.resume();
    },
    cancel() {
      open = false;
      body.destroy();
    },
  });
}

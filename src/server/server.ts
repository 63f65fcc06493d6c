import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApolloServer, HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { GRAPHIQL_CSP, graphiqlAsset, graphiqlPage, loadExampleOperations } from './graphiql.js';
import { readLimited, sendJson } from '../http/http-body.js';
import type { CallerAuth } from '../auth/caller-auth.js';
import type { Merchant } from '../merchants/merchant.js';
import type { MerchantLookup } from '../merchants/merchants.js';
import { heapSizedConnections, StartupError, type BenchLayer } from '../config.js';
import { formatError, httpErrorBody, ServiceError, systemReason } from '../errors/errors.js';
import { cacheControlPlugin, type CacheControlOptions } from './cache-control.js';
import { corsPolicy, type CorsOptions } from './cors.js';
import { rawResponse, setSecurityHeaders } from './security-headers.js';
import { limitRules, type QueryLimits } from './limits.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { operationLogPlugin } from './operation-log.js';
import type { HttpRoute } from '../graphql/domain.js';
import { RequestBase, type BaseContext } from '../observability/request-scope.js';
import type { Tracing } from '../observability/tracing.js';
import { parseTraceparent } from '../observability/traceparent.js';
import { operationTracePlugin, startOperationSpan } from './operation-trace.js';
import type { CallbackPacing } from './callback-line.js';
import { asksForCallback, CallbackSubscriptions } from './subscription-callbacks.js';
import { SubscriptionSlots } from './subscription-core.js';
import { subscriptionOverHttpPlugin } from './subscription-over-http.js';
import { SubscriptionServer, type SubscriptionServerOptions } from './subscriptions.js';

const GRAPHQL_BODY_LIMIT = 100 * 1024;
/** What a stop may take after the drain, within the 10 s src/index.ts allows the process. */
const STOP_BUDGET_MS = 8_000;
const ASSETS_PATH = '/graphql/assets';
/**
 * The request headers Apollo reads: the body's type and the answer's format, CSRF prevention's
 * preflight markers, and the router's ask for an ftv1 trace. Copying every header into a
 * HeaderMap per request cost more than the rest of our request handling.
 */
const APOLLO_HEADERS = ['content-type', 'accept', 'apollo-require-preflight', 'x-apollo-operation-name', 'apollo-federation-include-trace'];
const GRAPHIQL_OFF = 'GraphiQL is not served here (GRAPHIQL=true turns it on); send GraphQL requests with POST';

export interface ServiceServerOptions {
  schema: GraphQLSchema;
  /** Each request's context: the server's own part, completed by the domains' slices. */
  context(base: BaseContext): BaseContext;
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Caller authentication; absent or not enforcing = open (sandbox). */
  auth?: CallerAuth;
  /** The merchant a caller acts for; throws FORBIDDEN for a merchant not configured. */
  merchants: MerchantLookup;
  limits?: QueryLimits;
  production: boolean;
  /** Stack traces and internal messages in error responses (DEBUG_ERRORS, never in production). */
  debugErrors?: boolean;
  /** After SIGTERM, how long `/ready` answers 503 before the listener closes (SHUTDOWN_DRAIN_MS); taken from the 8 s stop budget. */
  drainMs?: number;
  /** Deadlines for a caller's whole request and for its headers, so a slow sender cannot hold a socket. */
  timeouts?: { requestMs: number; headersMs: number };
  /** Schema introspection (Apollo's `introspection` option). */
  introspection: boolean;
  /** The GraphiQL page and its assets; when off, a browser's `GET /graphql` is a JSON 404. */
  graphiql: boolean;
  routes?: HttpRoute[];
  /** Cache hints for the router's caches; without them every answer is `no-store`. */
  cacheControl?: Omit<CacheControlOptions, 'schema'>;
  /** Browser origins allowed to call `/graphql` (CORS_ORIGINS); none when absent. */
  cors?: CorsOptions;
  /** Dependencies `/ready` waits for; each returns true when usable. */
  readinessChecks?: Array<() => boolean | Promise<boolean>>;
  /** OpenTelemetry; absent = off, and no span code runs per request. */
  tracing?: Tracing;
  /** For `npm run bench` only, never in production (BENCH_ABLATE): `operation-log` and `cache-policy` leave their plugin out. */
  benchAblate?: ReadonlySet<BenchLayer>;
  /**
   * Subscriptions: the most open, all transports (SUBSCRIPTIONS_MAX); graphql-ws's keep-alive and
   * init timeouts and the most open sockets (WS_CONNECTIONS_MAX); the router's callback origins
   * (SUBSCRIPTION_CALLBACK_ORIGINS, none = off) and each callback's deadline (VENDOR_TIMEOUT_MS).
   */
  subscriptions?: Pick<SubscriptionServerOptions, 'keepAliveMs' | 'connectionInitWaitMs' | 'connectionsMax'> & {
    max?: number;
    callbackOrigins?: string[];
    callbackTimeoutMs?: number;
    /** Tests only: shorter retry waits and heartbeat floor. */
    callbackPacing?: Partial<CallbackPacing>;
  };
}

/** Apollo Server on node's own http server, with GraphiQL, health and readiness beside it. */
export class ServiceServer {
  readonly http: Server;
  private readonly apollo: ApolloServer<BaseContext>;
  private started = false;
  /** From SIGTERM on: `/ready` answers 503 while the listener still accepts (the drain), then stop() closes it. */
  private stopping = false;
  private readonly page: string;
  private readonly cors: ReturnType<typeof corsPolicy>;
  /** graphql-ws, when the schema has subscriptions. */
  readonly subscriptions?: SubscriptionServer;
  /** The router's HTTP callback protocol, when the schema has subscriptions (refusing all while no origin is set). */
  readonly callbacks?: CallbackSubscriptions;
  /** The open-subscription count of every transport: SUBSCRIPTIONS_MAX, or what the heap holds when less. */
  readonly subscriptionSlots?: SubscriptionSlots;

  constructor(private readonly options: ServiceServerOptions) {
    const timeouts = options.timeouts ?? { requestMs: 30_000, headersMs: 10_000 };
    const serverOptions = {
      requestTimeout: timeouts.requestMs,
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      // Node checks both deadlines only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    };
    this.http = createServer(serverOptions, (req, res) => {
      // The one place for every answer's security headers, the 500 below included.
      setSecurityHeaders(res);
      this.route(req, res).catch((error: unknown) => {
        options.logger.error({ err: error }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    this.http.on('clientError', refuseMalformedRequest);
    // Every TCP connection counts, upgraded WebSockets too: room for WS_CONNECTIONS_MAX of those and
    // as many plain HTTP connections again as a quarter of the heap holds. Past it node closes a new
    // connection at accept, before it costs anything: a flood of idle connections cannot exhaust the heap.
    this.http.maxConnections = (options.subscriptions?.connectionsMax ?? heapSizedConnections()) + heapSizedConnections();
    this.http.on('drop', () => options.metrics?.httpConnectionsRefused.inc());
    this.apollo = new ApolloServer<BaseContext>({
      schema: options.schema,
      // Batched requests multiply vendor calls behind one HTTP request.
      allowBatchedHttpRequests: false,
      introspection: options.introspection,
      validationRules: options.limits ? limitRules(options.limits) : [],
      // src/index.ts owns SIGTERM/SIGINT: it stops the workers and closes the store after Apollo.
      stopOnTerminationSignals: false,
      includeStacktraceInErrorResponses: options.debugErrors === true,
      formatError: (formatted, error) => formatError(formatted, error, { exposeInternals: options.debugErrors === true }),
      plugins: [
        ApolloServerPluginLandingPageDisabled(),
        // Within the 10 s the process allows itself to exit (src/index.ts), after the drain.
        ApolloServerPluginDrainHttpServer({
          httpServer: this.http,
          stopGracePeriodMillis: Math.max(1_000, STOP_BUDGET_MS - (options.drainMs ?? 0)),
        }),
        ...(options.benchAblate?.has('operation-log') ? [] : [operationLogPlugin(options.logger, options.metrics)]),
        subscriptionOverHttpPlugin(),
        ...(options.tracing ? [operationTracePlugin(options.tracing)] : []),
        // Apollo's own wraps every field resolver (about a fifth of throughput): ours decides once per document.
        ApolloServerPluginCacheControlDisabled(),
        ...(options.benchAblate?.has('cache-policy')
          ? []
          : [
              cacheControlPlugin({
                schema: options.schema,
                hints: [],
                maxAge: { status: 0, final: 0 },
                private: true,
                ...options.cacheControl,
              }),
            ]),
      ],
      logger: apolloLogger(options.logger),
    });
    if (options.schema.getSubscriptionType()) {
      const { max = 10_000, callbackOrigins = [], callbackTimeoutMs = 10_000, callbackPacing, ...ws } = options.subscriptions ?? {};
      // One count for every transport: SUBSCRIPTIONS_MAX bounds what this process holds open.
      const slots = new SubscriptionSlots(max, options.metrics);
      this.subscriptionSlots = slots;
      this.subscriptions = new SubscriptionServer({
        path: '/graphql',
        schema: options.schema,
        context: options.context,
        logger: options.logger,
        auth: options.auth,
        merchants: options.merchants,
        limits: options.limits,
        debugErrors: options.debugErrors,
        slots,
        metrics: options.metrics,
        tracing: options.tracing,
        ...ws,
      });
      this.subscriptions.attach(this.http);
      this.callbacks = new CallbackSubscriptions({
        schema: options.schema,
        context: options.context,
        logger: options.logger,
        limits: options.limits,
        debugErrors: options.debugErrors,
        slots,
        origins: callbackOrigins,
        routerChecked: options.auth?.checksRouter === true,
        timeoutMs: callbackTimeoutMs,
        pacing: callbackPacing,
        merchants: options.merchants,
        metrics: options.metrics,
        tracing: options.tracing,
      });
    }
    this.cors = corsPolicy(options.cors ?? { origins: [] });
    this.page = graphiqlPage({ endpoint: '/graphql', assetsPath: ASSETS_PATH, examples: loadExampleOperations() });
  }

  get url(): string {
    const address = this.http.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async listen(port: number, host: string): Promise<void> {
    await this.apollo.start();
    this.started = true;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, host)));
      this.http.listen(port, host, () => resolve());
    });
  }

  /**
   * The load balancer's turn: `/ready` answers 503 for `drainMs` (SHUTDOWN_DRAIN_MS) while the
   * listener still accepts and serves, so the router and Kubernetes stop sending before stop()
   * closes it. Connections refused at once would be errors for requests already on their way.
   */
  async drain(drainMs = this.options.drainMs ?? 0): Promise<void> {
    this.stopping = true;
    if (drainMs <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, drainMs);
      this.skipDrain = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Ends a drain now (a second SIGTERM or Ctrl-C: someone is in a hurry). */
  skipDrain: () => void = () => undefined;

  /** Stops accepting, lets in-flight requests finish (Apollo's drain plugin), then closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    // WebSockets first: an upgraded socket would hold the HTTP server's close until the grace period ends.
    // Callback subscriptions each get `complete` (within the callback deadline) before the process goes.
    await Promise.all([this.subscriptions?.stop(), this.callbacks?.stop(), this.apollo.stop()]);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://service');
    const method = req.method ?? 'GET';
    const requestId = headerValue(req, 'x-request-id')?.slice(0, 128) || randomUUID();
    res.setHeader('x-request-id', requestId);

    if (url.pathname === '/health' && method === 'GET') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/ready' && method === 'GET') {
      const ready = await this.isReady();
      return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    if (url.pathname === '/metrics' && method === 'GET' && this.options.metrics) {
      const { registry } = this.options.metrics;
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (url.pathname.startsWith(`${ASSETS_PATH}/`) && method === 'GET' && this.options.graphiql) {
      const asset = graphiqlAsset(url.pathname.slice(ASSETS_PATH.length + 1));
      if (!asset) return sendJson(res, 404, { error: 'not found' });
      res.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length, 'cache-control': 'public, max-age=3600' });
      res.end(asset.body);
      return;
    }
    if (url.pathname === '/graphql') {
      if (this.cors.handle(req, res)) return;
      if (method === 'GET' && prefersHtml(req) && !this.options.graphiql && !url.searchParams.has('query')) {
        return sendJson(res, 404, { errors: [{ message: GRAPHIQL_OFF, extensions: { code: 'NOT_FOUND', retryable: false } }] });
      }
      if (method === 'GET' && prefersHtml(req) && this.options.graphiql) {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': GRAPHIQL_CSP,
        });
        res.end(this.page);
        return;
      }
      return this.graphql(req, res, url, requestId);
    }
    for (const route of this.options.routes ?? []) {
      const match = route.method === method ? route.pattern.exec(url.pathname) : null;
      if (match) return route.handle(req, res, match);
    }
    sendJson(res, 404, { error: 'not found' });
  }

  private async isReady(): Promise<boolean> {
    if (!this.started || this.stopping) return false;
    for (const check of this.options.readinessChecks ?? []) {
      if (!(await check())) return false;
    }
    return true;
  }

  private async graphql(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    // Refusals before Apollo (401, 413, bad JSON) are never cached; Apollo's answers set their own.
    res.setHeader('cache-control', 'no-store');
    // Before reading the body: an unauthenticated caller costs us nothing more.
    let caller = null;
    try {
      caller = (await this.options.auth?.authenticate((name) => headerValue(req, name))) ?? null;
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, httpErrorBody(error.code, error.message));
    }
    let merchant: Merchant;
    try {
      merchant = this.options.merchants.forCaller(caller);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      return sendJson(res, 403, httpErrorBody(error.code, error.message));
    }
    let body: unknown;
    if (req.method === 'POST') {
      const text = await readLimited(req, GRAPHQL_BODY_LIMIT);
      if (text === null)
        return sendJson(res, 413, httpErrorBody('PAYLOAD_TOO_LARGE', `Request body is larger than ${GRAPHQL_BODY_LIMIT} bytes`));
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        return sendJson(res, 400, httpErrorBody('BAD_USER_INPUT', 'Request body is not valid JSON'));
      }
    }
    // The router's callback mode: ours, not Apollo's (which would run it as a plain subscription request).
    if (req.method === 'POST' && this.callbacks && asksForCallback(body)) {
      const answer = await this.callbacks.handle(body, caller, merchant, req.headers);
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      return sendJson(res, answer.status, answer.body);
    }
    const headers = new HeaderMap();
    for (const name of APOLLO_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const { tracing } = this.options;
    const operation = tracing ? startOperationSpan(tracing, req.headers) : undefined;
    // Without tracing, the router's traceparent still ties our log lines to its trace.
    const traceId = operation ? operation.traceId : parseTraceparent(headerValue(req, 'traceparent'))?.traceId;
    operation?.span.setAttribute('merchant', merchant.id);
    const base = new RequestBase({ requestId, traceId, traceContext: operation?.context, caller, merchant }, this.options.logger);
    const execute = () =>
      this.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => this.options.context(base),
      });
    try {
      // The active context only for a recorded request: store queries find their parent span there.
      const response = operation?.context ? await tracing!.api.context.with(operation.context, execute) : await execute();
      await writeGraphQLResponse(res, response);
    } finally {
      operation?.span.end();
    }
  }
}

async function writeGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** Node's own status for each parse failure; any other is 400. */
const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Node's own answer to a request it cannot parse or that ran out of time (400, 408, 431), with
 * our security headers: node writes it on the socket, past `route()`.
 */
function refuseMalformedRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  // As node does: answer only while no response of ours has started on this socket.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(rawResponse(CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400));
  }
  socket.destroy(error);
}

/** `EADDRINUSE` and friends as one line naming PORT/HOST, not a stack trace. */
function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  const reasons: Record<string, string> = {
    EADDRINUSE: 'the port is already in use',
    EACCES: 'permission denied (ports below 1024 need privileges)',
    EADDRNOTAVAIL: 'HOST is not an address of this machine',
  };
  const reason = reasons[error.code ?? ''] ?? systemReason(error);
  return new StartupError(`Cannot listen on PORT ${port}, HOST ${host}: ${reason}`, { cause: error });
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function prefersHtml(req: IncomingMessage): boolean {
  const accept = headerValue(req, 'accept') ?? '';
  return accept.includes('text/html');
}

function apolloLogger(logger: Logger) {
  return {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.info(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };
}

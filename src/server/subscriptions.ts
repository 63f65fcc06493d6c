import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionResult, GraphQLError, GraphQLFormattedError, GraphQLSchema, specifiedRules } from 'graphql';
import { CloseCode, type Context, type OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Caller, CallerAuth } from '../auth/caller-auth.js';
import type { Merchant } from '../merchants/merchant.js';
import type { MerchantLookup } from '../merchants/merchants.js';
import { ServiceError } from '../errors/errors.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { RequestBase, type BaseContext } from '../observability/request-scope.js';
import type { Tracing } from '../observability/tracing.js';
import type { QueryLimits } from './limits.js';
import { heapSizedConnections } from '../config.js';
import { rawResponse, SECURITY_HEADER_LINES } from './security-headers.js';
import {
  asGraphQLError,
  CheckedDocuments,
  formatSubscriptionErrors,
  prepareSubscription,
  subscriptionRules,
  type SubscriptionSlots,
} from './subscription-core.js';
import { outcomeOf, SubscriptionOperation } from './subscription-operation.js';
import { WsConnectionLimit } from './ws-connections.js';

const TRANSPORT = 'graphql-ws';
/** A subscribe message is a GraphQL document like a POST body: the same bound. */
const MESSAGE_LIMIT = 100 * 1024;
/** setTimeout's longest delay; a token living longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * After its 4408, how long a socket that never sent `connection_init` may take to answer the
 * close before it is dropped: ws itself would wait 30 s for a peer that does not read.
 */
const PENDING_CLOSE_GRACE_MS = 1_000;
/** Seconds a client refused for want of room should wait: sockets free as clients leave or time out. */
const RETRY_AFTER_SECONDS = '5';

export interface SubscriptionServerOptions {
  path: string;
  schema: GraphQLSchema;
  context(base: BaseContext): BaseContext;
  logger: Logger;
  auth?: CallerAuth;
  /** The merchant a connection's token acts for; FORBIDDEN (4403) for one not configured. */
  merchants: MerchantLookup;
  limits?: QueryLimits;
  /** The open-subscription count against SUBSCRIPTIONS_MAX, shared with the router's callbacks. */
  slots: SubscriptionSlots;
  /** Each subscription as an operation: `graphql_operations_total{transport="ws"}` and its histogram. */
  metrics?: ServiceMetrics;
  /** A span per subscription; absent = off. */
  tracing?: Tracing;
  /** Ping interval; a socket that does not answer within as long again is dropped (WS_KEEPALIVE_MS). */
  keepAliveMs?: number;
  /** A socket that has not sent `connection_init` by then is closed (4408) (WS_INIT_TIMEOUT_MS). */
  connectionInitWaitMs?: number;
  /** Open sockets at most (WS_CONNECTIONS_MAX), a quarter of them uninitialised; past it an upgrade is answered 503. */
  connectionsMax?: number;
  debugErrors?: boolean;
}

type Extra = { socket: WebSocket; request: IncomingMessage };
type ConnectionContext = Context<Record<string, unknown> | undefined, Extra>;

/** A subscription from `subscribe` on: its record as an operation, and `end`, which frees its place under SUBSCRIPTIONS_MAX and ends the record (once). */
interface Reserved {
  operation: SubscriptionOperation;
  end(outcome: string): void;
}

/** What one connection holds: who it is, its expiry timer, the subscriptions reserved but not yet streaming. */
interface Connection {
  caller: Caller | null;
  /** Set by `connection_init`: every subscription of the connection acts for it. */
  merchant?: Merchant;
  expiry?: NodeJS.Timeout;
  reserved: Map<string, Reserved>;
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, subprotocol `graphql-transport-ws`) on the
 * HTTP server's `/graphql`. The caller authenticates in `connection_init` as over HTTP; each
 * document passes the same validation, depth and cost limits as a query; scopes are checked by
 * the schema's own guard. Open subscriptions are counted and bounded per process.
 */
export class SubscriptionServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MESSAGE_LIMIT });
  private readonly connections = new WeakMap<object, Connection>();
  /** Shared by every subscription sending the same document. */
  private readonly checked = new CheckedDocuments();
  /** Every accepted socket and what it acts for: a reload that removes a merchant closes its sockets. */
  private readonly accepted = new Map<WebSocket, Connection>();
  private readonly stopWatchingMerchants: () => void;
  private readonly server: ReturnType<typeof useServer>;
  private open = 0;
  private stopped: Promise<void> | undefined;
  /** Open sockets, pending or initialised, against WS_CONNECTIONS_MAX. */
  readonly sockets: WsConnectionLimit;
  private readonly initWaitMs: number;

  constructor(private readonly options: SubscriptionServerOptions) {
    this.stopWatchingMerchants = options.merchants.onReload(() => this.closeRemovedMerchants());
    this.sockets = new WsConnectionLimit({ max: options.connectionsMax ?? heapSizedConnections() });
    options.metrics?.trackWsConnections(this.sockets);
    this.initWaitMs = options.connectionInitWaitMs ?? 10_000;
    const rules = subscriptionRules(options.limits);
    this.server = useServer<Record<string, unknown> | undefined, Extra>(
      {
        schema: options.schema,
        connectionInitWaitTimeout: this.initWaitMs,
        onConnect: (ctx) => this.connect(ctx),
        // It returns the context too (the operation's span and ids in it), so graphql-ws's `context` hook is not used.
        onSubscribe: (ctx, id, payload) => this.prepare(ctx, id, payload, rules),
        // graphql-ws has awaited the result already; the type also allows the promise.
        onOperation: (ctx, id, _payload, _args, result) => this.track(ctx, id, result as Awaited<OperationResult>),
        onNext: (_ctx, _id, _payload, _args, result) => ({ ...result, errors: result.errors && this.format(result.errors) }),
        onError: (_ctx, _id, _payload, errors) => this.format(errors),
        onClose: (ctx) => this.disconnect(ctx),
      },
      this.wss,
      options.keepAliveMs ?? 12_000,
    );
  }

  /** Subscriptions open now over graphql-ws. */
  get size(): number {
    return this.open;
  }

  /** Takes over the HTTP server's upgrade requests for `path`; any other path is refused. */
  attach(http: Server): void {
    // Every answer here is written on the raw socket, past the HTTP server's own headers.
    this.wss.on('headers', (headers: string[]) => headers.push(...SECURITY_HEADER_LINES));
    // A malformed handshake (bad key, version, subprotocol list): our 400 instead of ws's text/html one.
    this.wss.on('wsClientError', (error: Error, socket: Duplex) => {
      const version = /Sec-WebSocket-Version/i.test(error.message) ? { 'sec-websocket-version': '13, 8' } : undefined;
      refuse(socket, 400, version);
    });
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // A target the URL parser refuses (`//[`) would otherwise throw here, outside any request handler.
      if (!URL.canParse(req.url ?? '/', 'http://service')) return refuse(socket, 400);
      const path = new URL(req.url ?? '/', 'http://service').pathname;
      if (path !== this.options.path) return refuse(socket, 404);
      if (req.method !== 'GET') return refuse(socket, 405, { allow: 'GET' });
      // ws would answer 503 itself once closed, without our headers.
      if (this.stopped) return refuse(socket, 503);
      // Before ws allocates anything for it: a socket past the bound costs one short answer.
      const refusal = this.sockets.refusal();
      if (refusal) {
        this.options.metrics?.wsConnectionsRefused.inc({ reason: refusal });
        return refuse(socket, 503, { 'retry-after': RETRY_AFTER_SECONDS });
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.count(ws);
        this.wss.emit('connection', ws, req);
      });
    });
  }

  /** Counts the socket until it is gone; one still pending after its 4408 and a grace is dropped. */
  private count(ws: WebSocket): void {
    this.sockets.opened(ws);
    const backstop = setTimeout(() => {
      if (this.sockets.isPending(ws)) ws.terminate();
    }, this.initWaitMs + PENDING_CLOSE_GRACE_MS);
    backstop.unref();
    ws.once('close', () => {
      clearTimeout(backstop);
      this.sockets.closed(ws);
    });
  }

  /** Closes every socket with 1001 (going away): their clients resubscribe elsewhere. */
  stop(): Promise<void> {
    // Once: ws refuses to close a server that is already closed.
    this.stopWatchingMerchants();
    this.stopped ??= Promise.resolve(this.server.dispose());
    return this.stopped;
  }

  private connection(ctx: ConnectionContext): Connection {
    let connection = this.connections.get(ctx);
    if (!connection) this.connections.set(ctx, (connection = { caller: null, reserved: new Map() }));
    return connection;
  }

  /** `connection_init`: the same checks as an HTTP request's headers, read from its payload (or the upgrade request's headers). */
  private async connect(ctx: ConnectionContext): Promise<boolean> {
    const { socket, request } = ctx.extra;
    const params = ctx.connectionParams ?? {};
    const header = (name: string) => {
      for (const [key, value] of Object.entries(params)) if (key.toLowerCase() === name && typeof value === 'string') return value;
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    let caller: Caller | null;
    let merchant: Merchant;
    try {
      caller = (await this.options.auth?.authenticate(header)) ?? null;
      merchant = this.options.merchants.forCaller(caller);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      // graphql-ws would say 4403 for any refusal: a missing or bad token is 4401, as HTTP's 401.
      socket.close(error.code === 'FORBIDDEN' ? CloseCode.Forbidden : CloseCode.Unauthorized, error.message.slice(0, 120));
      return false;
    }
    const connection = this.connection(ctx);
    connection.caller = caller;
    connection.merchant = merchant;
    this.accepted.set(socket, connection);
    this.sockets.acknowledged(socket);
    if (caller?.expiresAt !== undefined) this.closeAtExpiry(socket, connection, caller.expiresAt);
    return true;
  }

  /** The token's lifetime is the connection's: at `exp` the socket closes (4401), ending its subscriptions. */
  private closeAtExpiry(socket: WebSocket, connection: Connection, expiresAt: number): void {
    const delay = expiresAt - Date.now();
    if (delay <= 0) {
      socket.close(CloseCode.Unauthorized, 'The bearer token has expired');
      return;
    }
    connection.expiry = setTimeout(() => this.closeAtExpiry(socket, connection, expiresAt), Math.min(delay, MAX_TIMER_MS));
    connection.expiry.unref();
  }

  /** After a reload: a connection whose merchant is gone is refused from then on, as a new one would be (4403). */
  private closeRemovedMerchants(): void {
    for (const [socket, connection] of this.accepted) {
      if (connection.merchant && !this.options.merchants.get(connection.merchant.id)) {
        socket.close(CloseCode.Forbidden, "The token's merchant is no longer configured on this service");
      }
    }
  }

  private disconnect(ctx: ConnectionContext): void {
    this.accepted.delete(ctx.extra.socket);
    const connection = this.connections.get(ctx);
    if (!connection) return;
    clearTimeout(connection.expiry);
    // Reserved but never streamed (the socket went while its document was prepared).
    for (const { end } of connection.reserved.values()) end('OK');
    connection.reserved.clear();
  }

  /**
   * `subscribe`: parse, validate (GraphQL's rules, depth and cost), accept subscriptions only, and
   * reserve a place under SUBSCRIPTIONS_MAX before anything is read.
   */
  private prepare(
    ctx: ConnectionContext,
    id: string,
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
    rules: typeof specifiedRules,
  ) {
    const connection = this.connection(ctx);
    const prepared = prepareSubscription(
      this.options.schema,
      rules,
      payload,
      'Only subscriptions are served over WebSocket; send queries and mutations with POST /graphql',
      this.checked,
    );
    const operation = new SubscriptionOperation(this.options, {
      transport: 'ws',
      operationName: prepared.operationName,
      requestId: randomUUID(),
      // graphql-ws runs no operation before onConnect has accepted, which sets the merchant.
      merchantId: connection.merchant!.id,
      headers: ctx.extra.request.headers,
    });
    const refuse = (errors: GraphQLError[]) => {
      operation.end(outcomeOf(this.format(errors)));
      return errors;
    };
    if (prepared.errors) return refuse(prepared.errors);
    const { document } = prepared;
    const reserved = this.options.slots.reserve(TRANSPORT);
    if (typeof reserved !== 'function') return refuse([reserved]);
    this.open++;
    let released = false;
    connection.reserved.set(id, {
      operation,
      end: (outcome) => {
        if (!released) {
          released = true;
          this.open--;
          reserved();
        }
        operation.end(outcome);
      },
    });
    const base = new RequestBase({ ...operation.scope, caller: connection.caller, merchant: connection.merchant! }, this.options.logger);
    return {
      schema: this.options.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: this.options.context(base),
    };
  }

  /** Hands the reservation to the stream: freed when it ends, however it ends (complete, error, client's complete, socket gone). */
  private track(ctx: ConnectionContext, id: string, result: Awaited<OperationResult>) {
    const connection = this.connection(ctx);
    const reserved = connection.reserved.get(id);
    connection.reserved.delete(id);
    if (!reserved) return result;
    const { end, operation } = reserved;
    if (!(Symbol.asyncIterator in result)) {
      // Refused before any state (a scope, a bad argument): one answer, and the operation ends with it.
      end(outcomeOf(result.errors && this.format(result.errors)));
      return result;
    }
    const source = result[Symbol.asyncIterator]();
    const slots = this.options.slots;
    const format = (errors: readonly GraphQLError[]) => this.format(errors);
    const done = async (): Promise<IteratorResult<ExecutionResult>> => {
      end('OK');
      await source.return?.();
      return { done: true, value: undefined };
    };
    const tracked: AsyncGenerator<ExecutionResult> = {
      async next() {
        try {
          const step = await source.next();
          if (step.done) end('OK');
          else {
            slots.sent(TRANSPORT);
            operation.sent();
          }
          return step;
        } catch (error) {
          end(outcomeOf(format([asGraphQLError(error)])));
          throw error;
        }
      },
      return: done,
      async throw(error: unknown) {
        await done();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return tracked;
      },
      [Symbol.asyncDispose]: async () => {
        await done();
      },
    };
    return tracked;
  }

  private format(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return formatSubscriptionErrors(errors, this.options.debugErrors === true);
  }
}

/** Refuses an upgrade on its raw socket, with the security headers every answer carries. */
function refuse(socket: Duplex, status: number, headers?: Record<string, string>): void {
  socket.end(rawResponse(status, headers));
}

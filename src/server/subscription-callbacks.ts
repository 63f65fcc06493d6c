import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { subscribe, type ExecutionResult, type GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Agent } from 'undici';
import type { Caller } from '../auth/caller-auth.js';
import type { Merchant } from '../merchants/merchant.js';
import type { MerchantLookup } from '../merchants/merchants.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { RequestBase, type BaseContext } from '../observability/request-scope.js';
import { endSpan, type Tracing } from '../observability/tracing.js';
import { CALLBACK_PACING, CallbackLine, type CallbackAction, type CallbackAttempt, type CallbackPacing } from './callback-line.js';
import type { QueryLimits } from './limits.js';
import {
  asGraphQLError,
  formatSubscriptionErrors,
  CheckedDocuments,
  prepareSubscription,
  subscriptionRules,
  type SubscriptionRequest,
  type SubscriptionSlots,
} from './subscription-core.js';
import { outcomeOf, SubscriptionOperation } from './subscription-operation.js';

const TRANSPORT = 'callback';
/** The protocol's version, on every callback request and on our answer to the router. */
export const CALLBACK_PROTOCOL = 'callback/1.0';
/** This many heartbeats failed in a row (each after its own retries) and the router is considered gone. */
export const MAX_FAILED_HEARTBEATS = 5;
/** When the router names no interval (it always does): its own default. */
const DEFAULT_HEARTBEAT_MS = 5_000;
/** The router's answers carry nothing we need: read at most this much of one. */
const ANSWER_READ_LIMIT = 4 * 1024;
/**
 * On stop, each subscription's last messages (a `next` being retried, then `complete`) take at most
 * this long (or VENDOR_TIMEOUT_MS if shorter): the process exits within 10 s.
 */
const STOP_COMPLETE_MS = 5_000;
/** setTimeout's longest delay; a token living longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** undici is loaded on the first callback: start-up does not wait for it. */
let undiciLoading: Promise<typeof import('undici')> | undefined;
const undici = () => (undiciLoading ??= import('undici'));

export interface CallbackSubscriptionOptions {
  schema: GraphQLSchema;
  context(base: BaseContext): BaseContext;
  logger: Logger;
  limits?: QueryLimits;
  slots: SubscriptionSlots;
  /** Exact origins a callback URL may have (SUBSCRIPTION_CALLBACK_ORIGINS); empty = callback mode off. */
  origins: readonly string[];
  /** ROUTER_SECRET is configured, so `router-authorization` was checked before we are asked. */
  routerChecked: boolean;
  /** Each callback request's deadline (VENDOR_TIMEOUT_MS). */
  timeoutMs: number;
  debugErrors?: boolean;
  /** After a reload, the subscriptions of a merchant no longer configured end (FORBIDDEN). */
  merchants?: Pick<MerchantLookup, 'get' | 'onReload'>;
  /** Each subscription as an operation: `graphql_operations_total{transport="callback"}` and its histogram. */
  metrics?: ServiceMetrics;
  /** A span per subscription, with a client span per callback request; absent = off. */
  tracing?: Tracing;
  /** Retry waits and the heartbeat floor; production's unless a test shortens them. */
  pacing?: Partial<CallbackPacing>;
}

/** What the router puts in `extensions.subscription`. */
interface CallbackRequest {
  callbackUrl: URL;
  subscriptionId: string;
  verifier: string;
  heartbeatIntervalMs: number;
}

/** An answer to the router's POST: status, body and headers. */
export interface CallbackAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One open callback subscription. */
interface Open {
  id: string;
  merchantId: string;
  ended: boolean;
  line: CallbackLine;
  end(reason: { complete: boolean; errors?: GraphQLFormattedError[] }): Promise<void>;
}

function refusal(status: number, code: string, message: string, retryable = false): CallbackAnswer {
  return { status, body: { errors: [{ message, extensions: { code, retryable } }] } };
}

/** True when a POST /graphql body asks for a callback subscription (the router's callback mode). */
export function asksForCallback(body: unknown): boolean {
  const extensions = (body as { extensions?: unknown } | null)?.extensions;
  return typeof extensions === 'object' && extensions !== null && 'subscription' in extensions;
}

/**
 * The router's HTTP callback protocol (Apollo's `callback/1.0`): the router POSTs a subscription
 * with `extensions.subscription`; we check its callback URL, answer `{"data":null}`, then POST each
 * state (`next`), a `check` every heartbeat, and `complete`. Only for a router proving
 * ROUTER_SECRET, to origins listed in SUBSCRIPTION_CALLBACK_ORIGINS; no redirect is followed and
 * every callback has the vendor-call deadline. Events are states, pulled one at a time: a slow
 * router holds one pending state, never a queue.
 */
export class CallbackSubscriptions {
  /** Our own pool for callbacks, apart from the vendors'. */
  private agent: Agent | undefined;
  private readonly rules;
  /** Shared by every subscription sending the same document. */
  private readonly checked = new CheckedDocuments();
  private readonly open = new Set<Open>();
  /** Subscriptions ended but still sending (a `next` retried, `complete`): stop waits for them too. */
  private readonly ending = new Map<CallbackLine, Promise<void>>();
  private readonly pacing: CallbackPacing;
  private stopping = false;
  private stopped: Promise<void> | undefined;

  private readonly stopWatchingMerchants: (() => void) | undefined;

  constructor(private readonly options: CallbackSubscriptionOptions) {
    this.rules = subscriptionRules(options.limits);
    this.pacing = { ...CALLBACK_PACING, ...options.pacing };
    this.stopWatchingMerchants = options.merchants?.onReload(() => this.endRemovedMerchants());
  }

  /** After a reload: a merchant no longer configured is refused from then on, its open subscriptions too. */
  private endRemovedMerchants(): void {
    const forbidden: GraphQLFormattedError = {
      message: "The token's merchant is no longer configured on this service",
      extensions: { code: 'FORBIDDEN', retryable: false },
    };
    for (const open of this.open) if (!this.options.merchants?.get(open.merchantId)) void open.end({ complete: true, errors: [forbidden] });
  }

  /** Callback subscriptions open now. */
  get size(): number {
    return this.open.size;
  }

  /** The router's POST: refused before anything is fetched unless every rule holds. */
  async handle(body: unknown, caller: Caller | null, merchant: Merchant, headers?: IncomingHttpHeaders): Promise<CallbackAnswer> {
    const { origins, routerChecked } = this.options;
    if (origins.length === 0) {
      return refusal(
        400,
        'BAD_USER_INPUT',
        "Subscriptions over the router's HTTP callback protocol are off here (SUBSCRIPTION_CALLBACK_ORIGINS is not set); subscribe over WebSocket on /graphql",
      );
    }
    if (!routerChecked) {
      return refusal(403, 'FORBIDDEN', 'Callback subscriptions are served only to a router presenting ROUTER_SECRET');
    }
    if (this.stopping) return refusal(503, 'SERVICE_UNAVAILABLE', 'This service is stopping; subscribe again', true);
    const asked = callbackRequest(body);
    if (typeof asked === 'string') return refusal(400, 'BAD_USER_INPUT', asked);
    if (!origins.includes(asked.callbackUrl.origin)) {
      return refusal(403, 'FORBIDDEN', "The callback URL's origin is not one this service calls (SUBSCRIPTION_CALLBACK_ORIGINS)");
    }
    const payload = body as SubscriptionRequest;
    if (typeof payload.query !== 'string') return refusal(400, 'BAD_USER_INPUT', 'The request has no GraphQL document (query)');
    const prepared = prepareSubscription(
      this.options.schema,
      this.rules,
      payload,
      'Only subscriptions are served over the callback protocol; send queries and mutations without extensions.subscription',
      this.checked,
    );
    // From here on it is an operation: counted, logged and traced however it ends.
    const operation = new SubscriptionOperation(this.options, {
      transport: 'callback',
      operationName: prepared.operationName,
      requestId: randomUUID(),
      merchantId: merchant.id,
      headers,
    });
    const refused = (answer: CallbackAnswer) => {
      operation.end(outcomeOf((answer.body as { errors?: GraphQLFormattedError[] }).errors));
      return answer;
    };
    if (prepared.errors) return refused({ status: 400, body: { errors: this.format(prepared.errors) } });
    const { document } = prepared;
    if (caller?.expiresAt !== undefined && caller.expiresAt <= Date.now()) {
      return refused(refusal(401, 'UNAUTHENTICATED', 'The bearer token has expired'));
    }
    const release = this.options.slots.reserve(TRANSPORT);
    if (typeof release !== 'function') return refused({ status: 503, body: { errors: this.format([release]) } });

    let result: Awaited<ReturnType<typeof subscribe>>;
    try {
      const base = new RequestBase({ ...operation.scope, caller, merchant }, this.options.logger);
      result = await subscribe({
        schema: this.options.schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: this.options.context(base),
      });
    } catch (error) {
      release();
      operation.end('INTERNAL_SERVER_ERROR');
      throw error;
    }
    if (!(Symbol.asyncIterator in result)) {
      // Refused before any event (a scope, a bad argument): an answer like a query's, nothing fetched.
      release();
      return refused({ status: 200, body: { ...result, errors: result.errors && this.format(result.errors) } });
    }
    const source = result;
    // The URL must take our check before the router hears yes: it proves the router expects us.
    // Only a 204 says yes (the protocol's answer to a valid check); it is not retried: the router is waiting for us.
    const checked = await this.post(asked, 'check', {}, this.options.timeoutMs, undefined, operation);
    if (this.stopping) {
      // Stop began while we checked: it completes only what it found open.
      release();
      await source.return(undefined);
      return refused(refusal(503, 'SERVICE_UNAVAILABLE', 'This service is stopping; subscribe again', true));
    }
    if (!('status' in checked) || checked.status !== 204) {
      release();
      await source.return(undefined);
      const answered = 'status' in checked ? `it answered ${checked.status}` : 'no answer';
      return refused(
        refusal(
          400,
          'BAD_USER_INPUT',
          `The callback URL did not accept the subscription's check (${answered}; it must answer 204, without redirect, in time)`,
        ),
      );
    }
    this.run(asked, source, release, caller, merchant.id, operation);
    return { status: 200, body: { data: null }, headers: { 'subscription-protocol': CALLBACK_PROTOCOL } };
  }

  /** Every open subscription gets `complete` (in parallel, each within the deadline), then the sockets close. */
  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    this.stopping = true;
    this.stopWatchingMerchants?.();
    const stopping: GraphQLFormattedError = {
      message: 'This service is stopping; subscribe again',
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
    };
    // One deadline for every line, those already ending too: a `next` being retried, then `complete`.
    const deadline = Date.now() + Math.min(this.options.timeoutMs, STOP_COMPLETE_MS);
    for (const line of this.ending.keys()) line.hurry(deadline);
    for (const open of this.open) open.line.hurry(deadline);
    for (const open of [...this.open]) void open.end({ complete: true, errors: [stopping] });
    await Promise.all(this.ending.values());
    await this.agent?.close();
  }

  /**
   * Pulls states one at a time and sends each through the subscription's line; ends on the
   * stream's end, a 404 or refusal, a state or 5 heartbeats the router never took, token expiry
   * or stop.
   */
  private run(
    asked: CallbackRequest,
    source: AsyncGenerator<ExecutionResult>,
    release: () => void,
    caller: Caller | null,
    merchantId: string,
    operation: SubscriptionOperation,
  ): void {
    const { logger, slots } = this.options;
    const line = new CallbackLine(
      (action, extra, timeoutMs, signal, tryNo) => this.post(asked, action, extra, timeoutMs, signal, operation, tryNo),
      this.pacing,
      this.options.timeoutMs,
    );
    let heartbeat: NodeJS.Timeout | undefined;
    let expiry: NodeJS.Timeout | undefined;
    let ending: Promise<void> | undefined;
    const open: Open = {
      id: asked.subscriptionId,
      merchantId,
      ended: false,
      line,
      end: (reason) => {
        if (ending) return ending;
        open.ended = true;
        clearInterval(heartbeat);
        clearTimeout(expiry);
        this.open.delete(open);
        release();
        line.finish();
        ending = (async () => {
          await source.return(undefined).catch(() => undefined);
          // Behind any `next` still in flight or retried: `complete` comes last (dropped after a 404 or refusal).
          if (reason.complete) await line.send('complete', reason.errors?.length ? { errors: reason.errors } : {});
          line.close();
          // After `complete`: the span holds the last callback request.
          operation.end(outcomeOf(reason.errors));
        })().finally(() => this.ending.delete(line));
        this.ending.set(line, ending);
        return ending;
      },
    };
    this.open.add(open);
    /** The router ended it (404), refuses it, or cannot be reached: nothing more is sent, no `complete`. */
    const lost = (why: string) => {
      if (open.ended) return;
      logger.info({ subscriptionId: asked.subscriptionId, why }, 'callback subscription ended: the router ended it or cannot be reached');
      return open.end({ complete: false });
    };

    if (asked.heartbeatIntervalMs > 0) {
      let beating = false;
      let failed = 0;
      const beat = async () => {
        const delivery = await line.send('check');
        if (delivery === 'delivered') failed = 0;
        else if (delivery === 'undelivered') {
          failed += 1;
          logger.warn({ subscriptionId: asked.subscriptionId, failed }, 'callback heartbeat failed');
          if (failed >= MAX_FAILED_HEARTBEATS) await lost(`${failed} heartbeats failed in a row`);
        } else if (delivery === 'gone' || delivery === 'refused') await lost(`check: ${delivery}`);
      };
      heartbeat = setInterval(
        () => {
          // One heartbeat at a time: skipped while one waits in the line or is retried.
          if (beating || open.ended) return;
          beating = true;
          beat()
            .finally(() => (beating = false))
            .catch(() => undefined);
        },
        Math.max(asked.heartbeatIntervalMs, this.pacing.minHeartbeatMs),
      );
      heartbeat.unref();
    }
    if (caller?.expiresAt !== undefined) {
      const expiresAt = caller.expiresAt;
      const arm = () => {
        const delay = expiresAt - Date.now();
        if (delay <= 0) {
          void open.end({
            complete: true,
            errors: [{ message: 'The bearer token has expired', extensions: { code: 'UNAUTHENTICATED', retryable: false } }],
          });
          return;
        }
        expiry = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
        expiry.unref();
      };
      arm();
    }

    const pump = async () => {
      while (!open.ended) {
        let step: IteratorResult<ExecutionResult>;
        try {
          step = await source.next();
        } catch (error) {
          return open.end({ complete: true, errors: this.format([asGraphQLError(error)]) });
        }
        if (open.ended) return;
        if (step.done) return open.end({ complete: true });
        const value = step.value;
        const payload = { ...value, errors: value.errors && this.format(value.errors) };
        if (payload.errors === undefined) delete payload.errors;
        // The next state is pulled only once this one went: a slow router holds one pending state, never a queue.
        const delivery = await line.send('next', { payload });
        if (delivery !== 'delivered') return lost(`next: ${delivery}`);
        slots.sent(TRANSPORT);
        operation.sent();
      }
    };
    pump().catch((error: unknown) => {
      logger.error({ err: error, subscriptionId: asked.subscriptionId }, 'callback subscription failed');
      void open.end({ complete: false });
    });
  }

  /**
   * One HTTP attempt of a callback message: `{kind, action, id, verifier, …}` with
   * `subscription-protocol`, one client span each. Returns the router's status, or why there was
   * none. No redirect is followed (undici.request has none); at most a few KiB read.
   */
  private async post(
    asked: CallbackRequest,
    action: CallbackAction,
    extra: Record<string, unknown>,
    timeoutMs: number,
    cut: AbortSignal | undefined,
    operation: SubscriptionOperation,
    tryNo = 1,
  ): Promise<CallbackAttempt> {
    const body = JSON.stringify({ kind: 'subscription', action, id: asked.subscriptionId, verifier: asked.verifier, ...extra });
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = cut ? AbortSignal.any([deadline, cut]) : deadline;
    // The router's address only: the callback URL's path names the subscription.
    const span = operation.childSpan('subscription.callback', {
      'callback.action': action,
      'callback.try': tryNo,
      'http.request.method': 'POST',
      'server.address': asked.callbackUrl.host,
    });
    const ended = (attempt: CallbackAttempt) => {
      if (span) {
        const status = 'status' in attempt ? attempt.status : undefined;
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        const outcome = status !== undefined && status >= 200 && status < 300 ? 'ok' : status === 404 ? 'gone' : 'failed';
        span.setAttribute('outcome', outcome);
        endSpan(this.options.tracing!, span, outcome === 'ok' ? undefined : outcome === 'gone' ? 'NOT_FOUND' : 'CALLBACK_FAILED');
      }
      return attempt;
    };
    const log = { subscriptionId: asked.subscriptionId, action, try: tryNo };
    try {
      const { Agent, request } = await undici();
      this.agent ??= new Agent({ allowH2: false, keepAliveTimeout: 4_000, connect: { timeout: this.options.timeoutMs } });
      const answer = await request(asked.callbackUrl, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'subscription-protocol': CALLBACK_PROTOCOL },
        body,
        signal,
      });
      await answer.body.dump({ limit: ANSWER_READ_LIMIT }).catch(() => undefined);
      if (answer.statusCode < 200 || answer.statusCode >= 300)
        this.options.logger.warn({ ...log, status: answer.statusCode }, 'callback request refused');
      return ended({ status: answer.statusCode });
    } catch (error) {
      const reason = deadline.aborted ? `no answer within ${timeoutMs} ms` : cut?.aborted ? 'cut short' : (error as Error).message;
      this.options.logger.warn({ ...log, reason }, 'callback request failed');
      return ended({ error: reason });
    }
  }

  private format(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return formatSubscriptionErrors(errors, this.options.debugErrors === true);
  }
}

/** `extensions.subscription`, checked: the callback URL (http or https), the id, the verifier, the heartbeat. */
function callbackRequest(body: unknown): CallbackRequest | string {
  const asked = (body as { extensions: { subscription?: unknown } }).extensions.subscription as Record<string, unknown> | null;
  if (typeof asked !== 'object' || asked === null) return 'extensions.subscription must be an object';
  // The protocol's camelCase names; earlier routers sent snake_case ones.
  const callbackUrl = asked.callbackUrl ?? asked.callback_url;
  const subscriptionId = asked.subscriptionId ?? asked.subscription_id;
  const { verifier } = asked;
  const heartbeatIntervalMs = asked.heartbeatIntervalMs ?? asked.heartbeat_interval_ms;
  if (typeof callbackUrl !== 'string' || typeof subscriptionId !== 'string' || typeof verifier !== 'string') {
    return 'extensions.subscription needs callbackUrl, subscriptionId and verifier (strings)';
  }
  if (subscriptionId.length > 256 || verifier.length > 1024 || callbackUrl.length > 2048)
    return 'extensions.subscription has a value too long';
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    return 'extensions.subscription.callbackUrl is not a URL';
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) {
    return 'extensions.subscription.callbackUrl must be an http(s) URL without credentials';
  }
  // Absent: the router's default interval.
  const heartbeat = heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS;
  if (typeof heartbeat !== 'number' || !Number.isFinite(heartbeat) || heartbeat < 0) {
    return 'extensions.subscription.heartbeatIntervalMs must be a number of milliseconds (0 = none)';
  }
  return { callbackUrl: url, subscriptionId, verifier, heartbeatIntervalMs: heartbeat };
}

import type { IncomingHttpHeaders } from 'node:http';
import type { Context, Span } from '@opentelemetry/api';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../observability/logger.js';
import type { OperationTransport, ServiceMetrics } from '../observability/metrics.js';
import { scopeLogFields, type CallScope } from '../observability/request-scope.js';
import { parseTraceparent } from '../observability/traceparent.js';
import { endSpan, startSpan, type TraceSpan, type Tracing } from '../observability/tracing.js';
import { shownOperationName } from './operation-log.js';

/** What both subscription transports record about one subscription: the HTTP operation's log, metrics and span, for its whole life. */
export interface SubscriptionRecorderOptions {
  logger: Logger;
  metrics?: ServiceMetrics;
  /** OpenTelemetry; absent = off. */
  tracing?: Tracing;
}

export interface SubscriptionStart {
  transport: Exclude<OperationTransport, 'http'>;
  operationName: string | null | undefined;
  requestId: string;
  merchantId: string;
  /** The headers that asked for it (the WebSocket upgrade, the router's POST): a `traceparent` there is the span's parent. */
  headers?: IncomingHttpHeaders;
}

/**
 * One subscription, recorded as an operation: a log line when it starts and one when it ends
 * (name, transport, merchant, duration, outcome), `graphql_operations_total` and
 * `graphql_operation_duration_seconds` with its transport when it ends, and a span for its life
 * with one event per state sent. `end` is idempotent: the first outcome stands.
 */
export class SubscriptionOperation {
  /** For the resolvers' vendor calls and store queries: the span is their parent, the ids are in their log lines. */
  readonly scope: CallScope & { requestId: string };
  private readonly started = performance.now();
  private readonly span?: TraceSpan;
  private events = 0;
  private ended = false;

  constructor(
    private readonly options: SubscriptionRecorderOptions,
    private readonly start: SubscriptionStart,
  ) {
    const { tracing } = options;
    const incoming = start.headers ? parseTraceparent(headerOf(start.headers, 'traceparent')) : undefined;
    if (tracing) {
      const parent = start.headers ? tracing.api.propagation.extract(tracing.api.ROOT_CONTEXT, start.headers) : undefined;
      const name = shownOperationName(start.operationName);
      this.span = startSpan(tracing, 'graphql.subscription', {
        parent: incoming ? parent : undefined,
        kind: 'server',
        attributes: {
          'graphql.operation.type': 'subscription',
          ...(name ? { 'graphql.operation.name': name } : {}),
          transport: start.transport,
          merchant: start.merchantId,
        },
      });
    }
    this.scope = {
      requestId: start.requestId,
      traceId: this.span?.traceId ?? incoming?.traceId,
      traceContext: this.span?.context,
      merchantId: start.merchantId,
    };
    options.logger.info(this.logFields(), 'graphql operation started');
  }

  /** The OpenTelemetry context of the subscription's span, when it records: callbacks to the router are its children. */
  get traceContext(): Context | undefined {
    return this.span?.context;
  }

  /** One state sent to the subscriber. */
  sent(): void {
    this.events += 1;
    this.span?.span.addEvent('next', { 'subscription.event': this.events });
  }

  /** `OK`, or the code of the first error it ended with (a refusal before the first state counts too). */
  end(outcome: string): void {
    if (this.ended) return;
    this.ended = true;
    const seconds = (performance.now() - this.started) / 1000;
    const { metrics, logger, tracing } = this.options;
    const operation = metrics?.operationLabel(this.start.operationName) ?? 'anonymous';
    metrics?.graphqlOperations.inc({ operation, outcome, transport: this.start.transport });
    metrics?.graphqlLatency.observe({ operation, transport: this.start.transport }, seconds);
    logger.info({ ...this.logFields(), durationMs: Math.round(seconds * 1000), events: this.events, outcome }, 'graphql operation');
    if (this.span) {
      this.span.span.setAttributes({ outcome, 'subscription.events': this.events });
      endSpan(tracing!, this.span.span, outcome === 'OK' ? undefined : outcome);
    }
  }

  /** A client span for one request this subscription makes (a callback to the router), under its own span. */
  childSpan(name: string, attributes: Record<string, string | number>): Span | undefined {
    if (!this.options.tracing || !this.span) return undefined;
    return startSpan(this.options.tracing, name, { parent: this.span.context, kind: 'client', attributes })?.span;
  }

  private logFields(): Record<string, unknown> {
    return { ...scopeLogFields(this.scope), operationName: shownOperationName(this.start.operationName), transport: this.start.transport };
  }
}

/** `OK`, or the code of the first of `errors` (as the vocabulary formatted them). */
export function outcomeOf(errors: readonly GraphQLFormattedError[] | undefined): string {
  const code = errors?.[0]?.extensions?.code;
  return errors?.length ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'OK';
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

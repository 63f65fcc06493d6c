import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { Logger } from './logger.js';
import { formatTraceparent, parseTraceparent } from './traceparent.js';

type OtelApi = typeof import('@opentelemetry/api');

/**
 * The service's own spans: a tracer and the OpenTelemetry API it belongs to. Absent when tracing
 * is off, so every span site is one `if (tracing)` and nothing of OpenTelemetry is loaded.
 */
export interface Tracing {
  readonly api: OtelApi;
  readonly tracer: Tracer;
  /** Exports the spans still buffered, then stops (SIGTERM). */
  shutdown(): Promise<void>;
}

/** A recording span and the context that makes it the parent of what runs under it. */
export interface TraceSpan {
  span: Span;
  context: Context;
  traceId: string;
}

const ENDPOINTS = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'];

/** Tracing runs only with an OTLP endpoint, and not when the standard switches turn it off. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return ENDPOINTS.some((name) => Boolean(env[name]?.trim()));
}

/**
 * Starts the OpenTelemetry SDK when an endpoint is configured; the SDK itself reads every other
 * OTEL_* variable (protocol, service name, sampler, batch delays). The SDK is imported only then:
 * loading it costs start-up time a service without tracing should not pay.
 *
 * No auto-instrumentations (`instrumentations: []`): the undici one would export each vendor URL
 * with its query string (Feyin's access_token lives there), the http one every header, and the
 * graphql one wraps every field resolver on every request. Our own spans (operation, vendor
 * call, outbox attempt, store query) carry only what an operator needs. Traces only: metrics
 * stay on /metrics, logs on stdout.
 */
export async function startTracing(logger: Logger): Promise<Tracing | undefined> {
  if (!tracingConfigured()) return undefined;
  const [{ NodeSDK }, api] = await Promise.all([import('@opentelemetry/sdk-node'), import('@opentelemetry/api')]);
  const sdk = new NodeSDK({ instrumentations: [], metricReaders: [], logRecordProcessors: [] });
  sdk.start();
  logger.info({ serviceName: process.env.OTEL_SERVICE_NAME }, 'tracing: OpenTelemetry spans exported over OTLP');
  return { api, tracer: api.trace.getTracer('vendor-operations-subgraph'), shutdown: () => sdk.shutdown() };
}

/**
 * Starts a span under `parent`, or a new trace (optionally linked to the `traceparent`s in
 * `links`). `undefined` when the sampler does not record it: unsampled work makes no children.
 */
export function startSpan(
  tracing: Tracing,
  name: string,
  options: { parent?: Context; links?: Array<string | null | undefined>; kind?: 'client' | 'server' | 'internal'; attributes?: Attributes },
): TraceSpan | undefined {
  const { api, tracer } = tracing;
  const parent = options.parent ?? api.ROOT_CONTEXT;
  const links = (options.links ?? []).flatMap((traceparent) => {
    const linked = parseTraceparent(traceparent ?? undefined);
    return linked ? [{ context: { traceId: linked.traceId, spanId: linked.spanId, traceFlags: linked.flags, isRemote: true } }] : [];
  });
  const kind = { client: api.SpanKind.CLIENT, server: api.SpanKind.SERVER, internal: api.SpanKind.INTERNAL }[options.kind ?? 'internal'];
  const span = tracer.startSpan(name, { kind, attributes: options.attributes, links, root: !options.parent }, parent);
  if (!span.isRecording()) {
    span.end();
    return undefined;
  }
  return { span, context: api.trace.setSpan(parent, span), traceId: span.spanContext().traceId };
}

/** Ends a span; a failed one gets status ERROR with our error code (never the vendor's or the driver's text). */
export function endSpan(tracing: Tracing, span: Span, errorCode?: string): void {
  if (errorCode) span.setStatus({ code: tracing.api.SpanStatusCode.ERROR, message: errorCode });
  span.end();
}

/** The `traceparent` of the span in `context`, to link later work (an outbox retry) to it. */
export function traceparentOf(tracing: Tracing, context: Context | undefined): string | undefined {
  const span = context ? tracing.api.trace.getSpan(context) : undefined;
  if (!span) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return formatTraceparent({ traceId, spanId, flags: traceFlags });
}

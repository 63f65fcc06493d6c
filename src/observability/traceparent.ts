/** The parts of a W3C `traceparent` header (https://www.w3.org/TR/trace-context/#traceparent-header). */
export interface Traceparent {
  traceId: string;
  /** The caller's span: ours is its child. */
  spanId: string;
  /** Bit 0: the caller records (samples) this trace. */
  flags: number;
}

// Version 00 exactly; a later version may append fields after a dash, which we ignore (as the spec asks).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-|$)/;
const ZEROS = /^0+$/;

/**
 * Reads a `traceparent` without the OpenTelemetry SDK, so log lines carry `trace_id` even when
 * tracing is off. `undefined` for anything the spec says to ignore (bad shape, version ff, all-zero ids).
 */
export function parseTraceparent(header: string | undefined): Traceparent | undefined {
  if (!header) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string];
  if (version === 'ff' || (version === '00' && rest !== '') || ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, flags: Number.parseInt(flags, 16) };
}

/** `00-<trace id>-<span id>-<flags>`: what the outbox keeps to link a later attempt to the request that recorded it. */
export function formatTraceparent(parent: Traceparent): string {
  return `00-${parent.traceId}-${parent.spanId}-${parent.flags.toString(16).padStart(2, '0')}`;
}

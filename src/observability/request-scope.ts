import type { Context } from '@opentelemetry/api';
import type { Caller } from '../auth/caller-auth.js';
import type { Merchant } from '../merchants/merchant.js';
import type { Logger } from './logger.js';

/**
 * Who a vendor call or a store write is made for, handed down explicitly (no AsyncLocalStorage:
 * its promise hooks cost every request 5–6 % on Node 20). The outbox worker has no request id.
 */
export interface CallScope {
  requestId?: string;
  /** The W3C trace id for log lines (`trace_id`): the operation span's, or the incoming `traceparent`'s when tracing is off. */
  traceId?: string;
  /** The OpenTelemetry context holding the current span; set only while tracing records this work. */
  traceContext?: Context;
  /** The merchant the work is for: in every log line and span about it (never a metric label). */
  merchantId?: string;
}

/** What every log line made while serving one request should carry. */
export interface RequestScope extends CallScope {
  requestId: string;
}

/** The part of every request's context the server builds; domains add their own slices. */
export interface BaseContext extends RequestScope {
  /** The verified caller; `null` when caller auth is off. */
  caller: Caller | null;
  /** The merchant this request acts for, as configured when it began: its accounts and its records only. */
  merchant: Merchant;
  merchantId: string;
  log: Logger;
}

/** The server's part of one request's context. The child logger is made only when something logs for it. */
export class RequestBase implements BaseContext {
  readonly requestId: string;
  readonly traceId?: string;
  readonly traceContext?: Context;
  readonly caller: Caller | null;
  readonly merchant: Merchant;
  readonly merchantId: string;
  /** A plain field, not `#log`: Apollo copies the context object (own fields onto the same prototype). */
  private childLog?: Logger;

  constructor(
    scope: RequestScope & { caller: Caller | null; merchant: Merchant },
    private readonly logger: Logger,
  ) {
    this.requestId = scope.requestId;
    this.traceId = scope.traceId;
    this.traceContext = scope.traceContext;
    this.caller = scope.caller;
    this.merchant = scope.merchant;
    this.merchantId = scope.merchant.id;
  }

  get log(): Logger {
    return (this.childLog ??= this.logger.child(scopeLogFields(this)));
  }
}

/** The scope's ids as log fields (`requestId`, `trace_id`, `merchant`), leaving out those it does not have. */
export function scopeLogFields(scope: CallScope | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  if (scope?.requestId) fields.requestId = scope.requestId;
  if (scope?.traceId) fields.trace_id = scope.traceId;
  if (scope?.merchantId) fields.merchant = scope.merchantId;
  return fields;
}

/**
 * Our own record of something the vendor already did (a cancel, a listing): when the database
 * fails here the vendor's success still stands, so the caller must not get an error for it.
 * Logged instead; `_entities` may then not know of it.
 */
export async function recordAfterVendor(ctx: BaseContext, what: string, record: () => Promise<unknown>): Promise<void> {
  try {
    await record();
  } catch (error) {
    ctx.log.warn({ err: error }, `${what} not recorded: the vendor's answer stands`);
  }
}

import { randomUUID } from 'node:crypto';
import type { LifepayConfig, VendorMode } from '../config.js';
import { InputError, VendorError } from '../errors/errors.js';
import type { Logger } from '../observability/logger.js';
import {
  OutboxWorker,
  VendorDocuments,
  retryDelaySec,
  type AttemptOutcome,
  type DueSummary,
  type Lease,
  type NotificationOutcome,
} from '../outbox/index.js';
import { scopeLogFields, type CallScope } from '../observability/request-scope.js';
import type { Store, VendorDocumentRow } from '../store/index.js';
import { endSpan, startSpan, traceparentOf, type TraceSpan, type Tracing } from '../observability/tracing.js';
import type { LifepayClient, XReportRequest } from './lifepay-client.js';
import type { PrintXReportInput } from './print-x-report-input.js';
import { xReportOrder } from './x-report-order.js';

export const X_REPORT = 'X_REPORT';

/** A stored X-report: the outbox row and its LifePay request, read once. */
export interface XReportRecord {
  row: VendorDocumentRow;
  request: XReportRequest;
}

export interface XReportsOptions {
  store: Store;
  /** Stamped on every document; the worker sends only documents of this mode. */
  mode: VendorMode;
  /**
   * The merchant's LifePay client as configured now, for a retry (which uses the account of its
   * own time); undefined when the merchant, or its LifePay account, is gone from the configuration.
   */
  lifepayOf(merchantId: string): LifepayClient | undefined;
  retry: Pick<LifepayConfig, 'retryScheduleSec' | 'retryMaxAgeSec' | 'workerPollMs'>;
  /** Worker attempts in flight at once (OUTBOX_CONCURRENCY). */
  concurrency: number;
  /** How long an attempt may hold a document before another worker may take it over. */
  leaseMs: number;
  /** The callback URL LifePay should notify for a merchant's document, when callbacks are on. */
  callbackUrl?: (merchantId: string, extId: string) => string | undefined;
  logger: Logger;
  /** A span per attempt: under the mutation's span, or for a worker retry a trace of its own linked to it. */
  tracing?: Tracing;
  /** Announces that a merchant's document changed (attempt outcome, callback), for subscribers on every replica. */
  onChange?: (merchantId: string, extId: string) => Promise<void>;
  /** A document ended FAILED here, with this error code (fiscal_documents_failed_total). */
  onFailed?: (errorCode: string) => void;
}

/** Who prints: the request's merchant, with the LifePay client of its account as configured when the request began. */
export interface XReportIssuer {
  merchantId: string;
  lifepay: LifepayClient;
}

/** Where an attempt comes from: the recording request (first attempt), or the worker with the recording's traceparent. */
type AttemptOrigin = { scope: CallScope | undefined } | { recordedBy: string | null };

const readRecord = (row: VendorDocumentRow): XReportRecord => ({ row, request: JSON.parse(row.request) as XReportRequest });

/**
 * LifePay X-reports through the outbox: each is recorded before the first attempt and then
 * repeated with the same ext_id and body until LifePay answers HTTP 200 or the document is
 * older than LIFEPAY_RETRY_MAX_AGE. The only way in to the fiscal documents and callbacks.
 */
export class XReports {
  private readonly documents: VendorDocuments;
  private readonly worker: OutboxWorker<VendorDocumentRow>;

  constructor(private readonly options: XReportsOptions) {
    this.documents = new VendorDocuments(options.store, 'LIFEPAY', options.mode);
    this.worker = new OutboxWorker({
      name: 'lifepay-x-reports',
      pollMs: options.retry.workerPollMs,
      logger: options.logger,
      concurrency: options.concurrency,
      claimDue: (limit) => this.documents.claimDue(limit, this.newLease()),
      deliver: (claimed) => this.retry(claimed),
      nextDueAt: () => this.documents.nextDueAt(),
      listenForDue: (onDue) => this.documents.listenForDue(onDue),
    });
  }

  startWorker(): void {
    this.worker.start();
  }

  /** Lets the attempt in flight finish. */
  stopWorker(): Promise<void> {
    return this.worker.stop();
  }

  /**
   * Checks the input, records the document and makes the first attempt. Returns the document
   * (ACCEPTED, or RETRY_SCHEDULED when LifePay could not be reached); throws the mapped error
   * when LifePay refused it (the document is then FAILED). A known ext_id returns the stored
   * document.
   */
  async print(input: PrintXReportInput, issuer: XReportIssuer, scope?: CallScope): Promise<XReportRecord> {
    const { merchantId, lifepay } = issuer;
    const order = xReportOrder(input, lifepay.defaultLogin);
    lifepay.requireCredentials();
    const request = lifepay.xReportRequest(order, this.options.callbackUrl?.(merchantId, order.extId));
    const lease = this.newLease();
    const { tracing } = this.options;
    const traceparent = tracing ? traceparentOf(tracing, scope?.traceContext) : undefined;
    const recorded = await this.documents.record(
      {
        merchant: merchantId,
        kind: X_REPORT,
        extId: order.extId,
        target: order.targetSerial ?? null,
        request,
        test: order.test,
        traceparent,
      },
      lease,
    );
    if (!recorded) return this.stored(merchantId, order.extId, request);
    const { document, refusal } = await this.attempt({ row: recorded, request }, lifepay, lease, { scope });
    if (refusal) throw refusal;
    return document;
  }

  /** The merchant's documents with these extIds: another merchant's reads as absent. */
  async findMany(merchantId: string, extIds: readonly string[]): Promise<XReportRecord[]> {
    return (await this.documents.findMany(merchantId, extIds)).map(readRecord);
  }

  /** The merchant's documents sent to a register, newest first. */
  async forRegister(merchantId: string, serial: string, limit: number): Promise<XReportRecord[]> {
    return (await this.documents.listForTarget(merchantId, serial, limit)).map(readRecord);
  }

  /** LifePay's latest callback for a document (by its store id), verbatim. */
  async latestCallback(documentId: string): Promise<string | null> {
    return (await this.documents.latestNotification(documentId))?.body ?? null;
  }

  /** Stores a LifePay callback for a document (once per distinct body, at most `maxPerDocument`). */
  async recordCallback(
    merchantId: string,
    extId: string,
    callback: { body: string; contentType: string | null },
    maxPerDocument: number,
  ): Promise<NotificationOutcome> {
    const outcome = await this.documents.recordNotification(merchantId, extId, callback, { maxPerDocument });
    if (outcome === 'stored') await this.changed(merchantId, extId);
    return outcome;
  }

  /** The outbox depth, for /metrics. */
  countByStatus(): Promise<Record<string, number>> {
    return this.documents.countByStatus();
  }

  /** Documents due now and since when the oldest one is due, for /metrics. */
  dueSummary(): Promise<DueSummary> {
    return this.documents.dueSummary();
  }

  /** Pending documents recorded in the other vendor mode (or before modes were stamped): never sent from here. */
  countOfOtherModes(): Promise<number> {
    return this.documents.countOpenOfOtherModes();
  }

  /** One worker attempt at a document the worker claimed (it holds the lease). */
  private async retry(claimed: VendorDocumentRow): Promise<void> {
    const { id, merchant } = claimed;
    const lease: Lease = { owner: claimed.lease_owner!, until: new Date(claimed.lease_until!) };
    const log = { merchant, extId: claimed.ext_id };
    /** Ends the document FAILED without sending it again. */
    const giveUp = async (error: string, errorCode: string, why: string, fields: Record<string, unknown> = {}) => {
      await this.documents.complete(id, lease.owner, { status: 'FAILED', error, errorCode });
      this.options.onFailed?.(errorCode);
      await this.changed(merchant, claimed.ext_id);
      this.options.logger.warn({ ...log, ...fields }, `LifePay X-report failed: ${why}`);
    };
    const { retryMaxAgeSec } = this.options.retry;
    if (Date.now() - Date.parse(claimed.created_at) > retryMaxAgeSec * 1000) {
      const error = `LifePay did not accept the document within ${retryMaxAgeSec} s; not sent again`;
      return giveUp(error, 'EXPIRED', 'too old to send', { attempts: claimed.attempts - 1 });
    }
    // The account as configured at this attempt: a merchant (or its LifePay account) removed meanwhile ends the document.
    const lifepay = this.options.lifepayOf(merchant);
    if (!lifepay) {
      const error = `Merchant "${merchant}" has no LifePay account on this service any more; not sent again`;
      return giveUp(error, 'VENDOR_NOT_CONFIGURED', 'its merchant has no LifePay account any more');
    }
    // Which replica holds which attempt, for an operator following one document across replicas.
    this.options.logger.debug({ ...log, attempt: claimed.attempts }, 'LifePay X-report retry sending');
    await this.attempt(readRecord(claimed), lifepay, lease, { recordedBy: claimed.traceparent });
  }

  private async stored(merchantId: string, extId: string, request: XReportRequest): Promise<XReportRecord> {
    const existing = await this.documents.find(merchantId, extId);
    if (!existing) throw new Error(`document ${extId} vanished after a conflicting insert`);
    const record = readRecord(existing);
    if (!sameOrder(record.request, request)) {
      throw new InputError({ extId: ['was already used for a different X-report (other register, login, test flag or callbackData)'] });
    }
    return record;
  }

  /** One attempt, in its own span when tracing records it. */
  private async attempt(
    record: XReportRecord,
    lifepay: LifepayClient,
    lease: Lease,
    origin: AttemptOrigin,
  ): Promise<{ document: XReportRecord; refusal?: VendorError }> {
    const { tracing } = this.options;
    // A retry has no request: its log lines and spans still name the merchant.
    const scope = 'scope' in origin ? origin.scope : { merchantId: record.row.merchant };
    const traced = tracing ? attemptSpan(tracing, record.row, origin) : undefined;
    if (!tracing || !traced) return this.send(record, lifepay, lease, scope);
    let errorCode: string | undefined = 'INTERNAL';
    try {
      // `context.with` only for a recorded attempt: its store queries become the span's children.
      const tracedScope = { ...scope, traceId: traced.traceId, traceContext: traced.context };
      const result = await tracing.api.context.with(traced.context, () => this.send(record, lifepay, lease, tracedScope));
      const { status, last_error_code: code } = result.document.row;
      traced.span.setAttribute('outbox.status', status);
      errorCode = status === 'ACCEPTED' ? undefined : (code ?? status);
      return result;
    } finally {
      endSpan(tracing, traced.span, errorCode);
    }
  }

  /** Sends the recorded body (plus the API key) and records the outcome. */
  private async send(
    { row: document, request }: XReportRecord,
    lifepay: LifepayClient,
    lease: Lease,
    scope: CallScope | undefined,
  ): Promise<{ document: XReportRecord; refusal?: VendorError }> {
    const { logger, retry } = this.options;
    const log = { extId: document.ext_id, attempt: document.attempts, ...scopeLogFields(scope), merchant: document.merchant };
    let outcome: AttemptOutcome;
    let refusal: VendorError | undefined;
    try {
      const { uuid } = await lifepay.createXReport(request, scope);
      outcome = { status: 'ACCEPTED', vendorRef: uuid };
      if (document.attempts > 1) logger.info(log, 'LifePay X-report accepted after retries');
    } catch (error) {
      if (isRefusal(error)) {
        refusal = error;
        outcome = { status: 'FAILED', error: error.message, errorCode: error.code };
        logger.warn({ ...log, vendorCode: error.vendorCode }, 'LifePay X-report refused');
      } else {
        // LifePay may or may not have seen it: the same ext_id again later is safe either way.
        const reason = error instanceof Error ? error.message : 'unknown error';
        const errorCode = error instanceof VendorError ? error.code : 'INTERNAL';
        const nextAttemptAt = new Date(Date.now() + retryDelaySec(retry.retryScheduleSec, document.attempts) * 1000);
        if (nextAttemptAt.getTime() - Date.parse(document.created_at) > retry.retryMaxAgeSec * 1000) {
          outcome = {
            status: 'FAILED',
            error: `Gave up after ${document.attempts} attempts over LIFEPAY_RETRY_MAX_AGE (${retry.retryMaxAgeSec} s); last: ${reason}`,
            errorCode,
          };
          logger.warn(log, 'LifePay X-report failed: retries exhausted');
        } else {
          outcome = { status: 'RETRY_SCHEDULED', nextAttemptAt, error: reason, errorCode };
          logger.info({ ...log, nextAttemptAt: nextAttemptAt.toISOString(), reason }, 'LifePay X-report retry scheduled');
        }
      }
    }
    const row = await this.documents.complete(document.id, lease.owner, outcome);
    if (outcome.status === 'FAILED') this.options.onFailed?.(outcome.errorCode);
    await this.changed(document.merchant, document.ext_id);
    return { document: { row, request }, refusal };
  }

  /** The change stands even if the announcement fails: subscribers miss one event, the document is right. */
  private async changed(merchantId: string, extId: string): Promise<void> {
    await this.options
      .onChange?.(merchantId, extId)
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error, extId, merchant: merchantId }, 'fiscal: announcing a change failed'),
      );
  }

  private newLease(): Lease {
    return { owner: randomUUID(), until: new Date(Date.now() + this.options.leaseMs) };
  }
}

/**
 * The attempt's span: the first attempt is a child of the mutation's span; a worker retry starts
 * a trace of its own (it may run hours later, on another replica) linked to the recording span.
 */
function attemptSpan(tracing: Tracing, document: VendorDocumentRow, origin: AttemptOrigin): TraceSpan | undefined {
  const attributes = {
    vendor: 'LIFEPAY',
    merchant: document.merchant,
    'outbox.kind': document.kind,
    'outbox.document_id': document.id,
    'outbox.attempt': document.attempts,
  };
  if ('scope' in origin) {
    const parent = origin.scope?.traceContext;
    return parent ? startSpan(tracing, 'outbox.attempt', { parent, attributes }) : undefined;
  }
  return startSpan(tracing, 'outbox.attempt', { links: [origin.recordedBy], attributes });
}

/** A definite answer from LifePay (HTTP 200, code ≠ 0): repeating it would change nothing. */
function isRefusal(error: unknown): error is VendorError {
  return error instanceof VendorError && error.vendor === 'LIFEPAY' && !error.retryable && error.code !== 'VENDOR_NOT_CONFIGURED';
}

/** Same order apart from the callback URL (PUBLIC_URL may change between two calls). */
function sameOrder(a: XReportRequest, b: XReportRequest): boolean {
  const key = ({ callback_url: _ignored, ext_id: _id, ...rest }: XReportRequest) =>
    JSON.stringify(Object.entries(rest).sort(([x], [y]) => x.localeCompare(y)));
  return key(a) === key(b);
}

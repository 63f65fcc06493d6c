import { randomUUID } from 'node:crypto';
import type { LifepayConfig, VendorMode } from '../config.js';
import { InputError, VendorError } from '../errors.js';
import type { Logger } from '../logger.js';
import { OutboxWorker, VendorDocuments, retryDelaySec, type AttemptOutcome, type Lease, type Store, type VendorDocumentRow } from '../store/index.js';
import type { LifepayClient, XReportRequest } from './lifepay-client.js';

export const X_REPORT = 'X_REPORT';

/** A validated `printXReport` input with the login and ext_id settled. */
export interface XReportOrder {
  extId: string;
  login: string;
  test: boolean;
  targetSerial?: string;
  callbackData?: unknown;
}

export interface XReportsOptions {
  store: Store;
  /** Stamped on every document; the worker sends only documents of this mode. */
  mode: VendorMode;
  lifepay: LifepayClient;
  retry: Pick<LifepayConfig, 'retryScheduleSec' | 'retryMaxAgeSec' | 'workerPollMs'>;
  /** How long an attempt may hold a document before another worker may take it over. */
  leaseMs: number;
  /** The callback URL LifePay should notify for a document, when callbacks are on. */
  callbackUrl?: (extId: string) => string | undefined;
  logger: Logger;
}

/**
 * LifePay X-reports through the outbox: each is recorded before the first attempt and then
 * repeated with the same ext_id and body until LifePay answers HTTP 200 or the document is
 * older than LIFEPAY_RETRY_MAX_AGE.
 */
export class XReports {
  readonly documents: VendorDocuments;
  private readonly worker: OutboxWorker;

  constructor(private readonly options: XReportsOptions) {
    this.documents = new VendorDocuments(options.store, 'LIFEPAY', options.mode);
    this.worker = new OutboxWorker({
      name: 'lifepay-x-reports',
      pollMs: options.retry.workerPollMs,
      logger: options.logger,
      due: (limit) => this.documents.due(limit),
      deliver: (id) => this.retry(id),
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
   * Records the document and makes the first attempt. Returns the document (ACCEPTED, or
   * RETRY_SCHEDULED when LifePay could not be reached); throws the mapped error when LifePay
   * refused it (the document is then FAILED). A known ext_id returns the stored document.
   */
  async print(order: XReportOrder): Promise<VendorDocumentRow> {
    this.options.lifepay.requireCredentials();
    const callbackUrl = order.test ? undefined : this.options.callbackUrl?.(order.extId);
    const request: XReportRequest = {
      login: order.login,
      test: order.test ? 1 : 0,
      ...(order.targetSerial !== undefined ? { target_serial: order.targetSerial } : {}),
      ext_id: order.extId,
      ...(callbackUrl !== undefined ? { callback_url: callbackUrl } : {}),
      ...(order.callbackData !== undefined && order.callbackData !== null ? { callback_data: order.callbackData } : {}),
    };
    const lease = this.newLease();
    const recorded = await this.documents.record({ kind: X_REPORT, extId: order.extId, target: order.targetSerial ?? null, request, test: order.test }, lease);
    if (!recorded) return this.stored(order.extId, request);
    const { document, refusal } = await this.attempt(recorded, lease);
    if (refusal) throw refusal;
    return document;
  }

  /** One worker attempt at a due document; nothing when another worker claimed it first. */
  async retry(id: string): Promise<void> {
    const lease = this.newLease();
    const claimed = await this.documents.claim(id, lease);
    if (!claimed) {
      this.options.logger.debug({ documentId: id }, 'LifePay X-report attempt taken by another worker');
      return;
    }
    if (Date.now() - Date.parse(claimed.created_at) > this.options.retry.retryMaxAgeSec * 1000) {
      const error = `LifePay did not accept the document within ${this.options.retry.retryMaxAgeSec} s; not sent again`;
      await this.documents.complete(id, lease.owner, { status: 'FAILED', error, errorCode: 'EXPIRED' });
      this.options.logger.warn({ extId: claimed.ext_id, attempts: claimed.attempts - 1 }, 'LifePay X-report failed: too old to send');
      return;
    }
    await this.attempt(claimed, lease);
  }

  private async stored(extId: string, request: XReportRequest): Promise<VendorDocumentRow> {
    const existing = await this.documents.find(extId);
    if (!existing) throw new Error(`document ${extId} vanished after a conflicting insert`);
    if (!sameOrder(JSON.parse(existing.request) as XReportRequest, request)) {
      throw new InputError({ extId: ['was already used for a different X-report (other register, login, test flag or callbackData)'] });
    }
    return existing;
  }

  /** Sends the recorded body (plus the API key) and records the outcome. */
  private async attempt(document: VendorDocumentRow, lease: Lease): Promise<{ document: VendorDocumentRow; refusal?: VendorError }> {
    const { logger, retry } = this.options;
    const log = { extId: document.ext_id, attempt: document.attempts };
    let outcome: AttemptOutcome;
    let refusal: VendorError | undefined;
    try {
      const { uuid } = await this.options.lifepay.createXReport(JSON.parse(document.request) as XReportRequest);
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
          outcome = { status: 'FAILED', error: `Gave up after ${document.attempts} attempts over LIFEPAY_RETRY_MAX_AGE (${retry.retryMaxAgeSec} s); last: ${reason}`, errorCode };
          logger.warn(log, 'LifePay X-report failed: retries exhausted');
        } else {
          outcome = { status: 'RETRY_SCHEDULED', nextAttemptAt, error: reason, errorCode };
          logger.info({ ...log, nextAttemptAt: nextAttemptAt.toISOString(), reason }, 'LifePay X-report retry scheduled');
        }
      }
    }
    return { document: await this.documents.complete(document.id, lease.owner, outcome), refusal };
  }

  private newLease(): Lease {
    return { owner: randomUUID(), until: new Date(Date.now() + this.options.leaseMs) };
  }
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

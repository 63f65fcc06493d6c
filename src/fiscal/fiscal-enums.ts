import { registerEnumType } from 'type-graphql';

export enum FiscalDocumentKind {
  X_REPORT = 'X_REPORT',
}

/** Stored as these names; ACCEPTED = LifePay answered code 0. */
export enum FiscalDocumentStatus {
  ACCEPTED = 'ACCEPTED',
  RETRY_SCHEDULED = 'RETRY_SCHEDULED',
  PROCESSED = 'PROCESSED',
  FAILED = 'FAILED',
  SENDING = 'SENDING',
}

registerEnumType(FiscalDocumentKind, {
  name: 'FiscalDocumentKind',
  description: 'What a fiscal document is.',
  valuesConfig: { X_REPORT: { description: 'An X-report (interim shift report) printed on the register.' } },
});

registerEnumType(FiscalDocumentStatus, {
  name: 'FiscalDocumentStatus',
  description: 'Where a fiscal document is on its way to LifePay.',
  valuesConfig: {
    ACCEPTED: { description: 'LifePay accepted it (answered code 0).' },
    RETRY_SCHEDULED: {
      description: 'LifePay could not be reached or answered an HTTP status other than 200; the same request is repeated at nextAttemptAt.',
    },
    PROCESSED: { description: 'LifePay notified us (callback) that it processed the document; the notification is stored verbatim.' },
    FAILED: { description: 'LifePay refused it, or it was not accepted within LIFEPAY_RETRY_MAX_AGE; see lastError.' },
    SENDING: { description: 'An attempt is in flight (or its process died; it is retried once the attempt lease expires).' },
  },
});

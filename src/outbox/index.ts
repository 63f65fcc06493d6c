export {
  VendorDocuments,
  retryDelaySec,
  type AttemptOutcome,
  type DueSummary,
  type Lease,
  type NewDocument,
  type NotificationOutcome,
} from './vendor-documents.js';
export { OutboxWorker, type OutboxWorkerOptions } from './outbox-worker.js';

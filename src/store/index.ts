export { openStore, SANDBOX_SQLITE_FILE, SQLITE_FILE, type Store, type StoreOptions } from './store.js';
export { settingOrCreate } from './settings.js';
export { VendorDocuments, retryDelaySec, type AttemptOutcome, type Lease, type NewDocument, type NotificationOutcome } from './vendor-documents.js';
export { OutboxWorker, type OutboxWorkerOptions } from './outbox-worker.js';
export type { DocumentStatus, VendorDocumentRow, VendorNotificationRow } from './schema.js';

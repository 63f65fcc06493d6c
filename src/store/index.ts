export { openStore, SANDBOX_SQLITE_FILE, SQLITE_FILE, type Store, type StoreOptions } from './store.js';
export type { NotificationHandler, Unlisten } from './notifications.js';
export { settingOrCreate } from './settings.js';
export type { Database, DocumentStatus, VendorDocumentRow, VendorNotificationRow } from './schema.js';

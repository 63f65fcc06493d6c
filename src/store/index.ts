export { openStore, SANDBOX_SQLITE_FILE, SQLITE_FILE, type Store, type StoreOptions } from './store.js';
export type { NotificationHandler, Unlisten } from './notifications.js';
export { settingOrCreate } from './settings.js';
export { RowExpiry, type RowExpiryOptions } from './row-expiry.js';
export type {
  CancelledOrderRow,
  Database,
  DocumentStatus,
  FeyinPrintedMessageRow,
  FeyinPrinterStateRow,
  PickupCodeRow,
  VendorDocumentRow,
  VendorNotificationRow,
} from './schema.js';
export { VendorTokenSlot, vendorTokenKey, type VendorTokenAccount } from './vendor-tokens.js';
export { PollLease, WatchedKeys } from './poll-leases.js';

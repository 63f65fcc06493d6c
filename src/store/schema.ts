import type { Generated, Selectable } from 'kysely';

/**
 * Tables of the store. Times are ISO-8601 UTC text (`Date.toISOString()`): they sort and
 * compare as text the same way in SQLite and PostgreSQL. JSON is text for the same reason.
 * Every table but `vendor_notifications`, `service_settings`, `poll_leases` and `watched_keys`
 * (whose entity keys name the merchant) has a `merchant`: the merchant whose calls wrote the row
 * (`default` for rows written before merchants existed); ids are unique per merchant, and a
 * merchant's queries never read another's rows.
 */
/** A time (ms since the epoch) as the tables hold it. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

export interface Database {
  vendor_documents: VendorDocumentTable;
  vendor_notifications: VendorNotificationTable;
  service_settings: ServiceSettingTable;
  cancelled_orders: CancelledOrderTable;
  pickup_codes: PickupCodeTable;
  vendor_tokens: VendorTokenTable;
  feyin_printed_messages: FeyinPrintedMessageTable;
  feyin_printer_states: FeyinPrinterStateTable;
  poll_leases: PollLeaseTable;
  watched_keys: WatchedKeyTable;
}

/**
 * A document we deliver to a vendor through the outbox: the request is recorded before the
 * first attempt and repeated, unchanged, until the vendor accepts or refuses it.
 * `(vendor, merchant, ext_id)` is unique: the vendor's idempotency key, per merchant.
 */
export interface VendorDocumentTable {
  id: string;
  vendor: string;
  /** The merchant whose request recorded the document: its account sends it, and only it reads it. */
  merchant: string;
  /** What the document is in the vendor's domain, e.g. `X_REPORT`. */
  kind: string;
  ext_id: string;
  /** The device the document is for (a register serial), when the caller named one. */
  target: string | null;
  /** The vendor request body as JSON, without credentials (they are added at send time). */
  request: string;
  test: number;
  /**
   * The vendor mode that recorded the document (`sandbox` or `live`; `unknown` before this
   * column existed): a worker only ever sends documents of its own mode.
   */
  mode: string;
  status: DocumentStatus;
  attempts: number;
  next_attempt_at: string | null;
  /** Who holds the current attempt, and until when; an expired lease may be taken over. */
  lease_owner: string | null;
  lease_until: string | null;
  /** The vendor's id for the document (LifePay's uuid). */
  vendor_ref: string | null;
  last_error: string | null;
  last_error_code: string | null;
  created_at: string;
  updated_at: string;
  notified_at: string | null;
  /** The W3C `traceparent` of the request that recorded the document, when it was traced: attempts link to it. */
  traceparent: string | null;
}

export type DocumentStatus = 'SENDING' | 'RETRY_SCHEDULED' | 'ACCEPTED' | 'PROCESSED' | 'FAILED';

/** A vendor callback, stored verbatim. */
export interface VendorNotificationTable {
  id: string;
  vendor: string;
  document_id: string | null;
  received_at: string;
  content_type: string | null;
  body: string;
}

export interface ServiceSettingTable {
  key: string;
  value: string;
  created_at: string;
}

/** A courier order this service cancelled (APIUSB has no status call: this is all we can vouch for). */
export interface CancelledOrderTable {
  /** The merchant that cancelled it; the key is `(merchant, order_id)`. */
  merchant: string;
  order_id: string;
  task_id: string;
  reason: string;
  cancelled_at: string;
}

/** A pickup code this service listed or cancelled: the vendor has no lookup by id. */
export interface PickupCodeTable {
  /** The merchant whose machine listing or cancel wrote it; the key is `(merchant, id)`. */
  merchant: string;
  id: string;
  machine_no: string;
  code: string | null;
  /** The vendor's status, or `CANCELLED` once this service cancelled it (never downgraded after). */
  status: string;
  vendor_created_at: string | null;
  expires_at: string | null;
  quantity: number | null;
  /** When this service last wrote the row: the age limit (ENTITY_STATE_MAX_AGE) counts from here. */
  recorded_at: string;
}

/**
 * A vendor access token shared by every replica (one row per vendor account). A replica
 * fetches a new one only while it holds the fetch lease (`fetch_owner` until `fetch_until`);
 * the others wait for the row to change. The token is a secret: it is never logged.
 */
export interface VendorTokenTable {
  /** The vendor and an opaque digest of the account (base URL and identity, never a secret). */
  account: string;
  vendor: string;
  /** Which merchant's account this is (informational: `account` already tells accounts apart); `default` unless set. */
  merchant: Generated<string>;
  token: string | null;
  /** When replicas stop using the token and one of them fetches the next (ms precision, ISO). */
  renew_at: string | null;
  expires_at: string | null;
  fetch_owner: string | null;
  fetch_until: string | null;
  updated_at: string;
}

/** A print message Feyin said was printed (`msg_printed` callback): final, never changed after. */
export interface FeyinPrintedMessageTable {
  /** The merchant whose Feyin callback said so; the key is `(merchant, msg_no)`. */
  merchant: string;
  msg_no: string;
  device_no: string;
  /** Feyin's `print_time`, as UTC. */
  printed_at: string;
  /** When this service recorded it: the age limit (ENTITY_STATE_MAX_AGE) counts from here. */
  updated_at: string;
}

/** A printer's status as Feyin's last `device_status` callback gave it (values passed through). */
export interface FeyinPrinterStateTable {
  /** The merchant whose Feyin callback said so; the key is `(merchant, device_no)`. */
  merchant: string;
  device_no: string;
  online_status: string;
  paper_status: string;
  /** When the status last changed to these values (the callback carries no time: when it arrived). */
  since: string;
  /** When a callback last said so; the age limit counts from here. */
  updated_at: string;
}

/**
 * Who polls a vendor for live updates (FEYIN_POLL_INTERVAL): one row per poller, held by one
 * replica until `until` and renewed on each round; an expired or released lease may be taken.
 */
export interface PollLeaseTable {
  /** The poller, e.g. `FEYIN`. */
  poller: string;
  holder: string | null;
  until: string | null;
  updated_at: string;
}

/**
 * An entity key (`merchant:Type:id`) some subscriber on `replica` watches. Each replica keeps its
 * own rows fresh while its subscribers watch; rows of a replica that vanished expire at `until`.
 */
export interface WatchedKeyTable {
  replica: string;
  key: string;
  until: string;
}

export type VendorDocumentRow = Selectable<VendorDocumentTable>;
export type VendorNotificationRow = Selectable<VendorNotificationTable>;
export type CancelledOrderRow = Selectable<CancelledOrderTable>;
export type PickupCodeRow = Selectable<PickupCodeTable>;
export type FeyinPrintedMessageRow = Selectable<FeyinPrintedMessageTable>;
export type FeyinPrinterStateRow = Selectable<FeyinPrinterStateTable>;

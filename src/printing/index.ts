// type-graphql's decorators in this folder need the metadata polyfill before they run.
import 'reflect-metadata';
import { SCOPES } from '../auth/caller-auth.js';
import type { FeyinConfig } from '../merchants/accounts.js';
import { AccountClients } from '../merchants/account-clients.js';
import { DEFAULT_MERCHANT, type Merchant } from '../merchants/merchant.js';
import type { EntityChanges } from '../live/entity-changes.js';
import { COST, type Domain, type DomainSchema } from '../graphql/domain.js';
import type { VendorHttpFactory } from '../vendor-http/vendor-http.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { VendorTokenSlot, type Store } from '../store/index.js';
import { FeyinClient } from './feyin-client.js';
import { FEYIN_CALLBACK_PATH, feyinCallbackRoute } from './feyin-callbacks.js';
import { FeyinPoller } from './feyin-poller.js';
import { FeyinReports } from './feyin-reports.js';
import { resolvePrintMessageReference } from './print-message.js';
import { resolvePrinterReference } from './printer.js';
import type { PrintingContext } from './printing-context.js';
import { createPrintingLoaders } from './printing-loaders.js';
import { PrintMessageResolver, PrinterResolver } from './printing-resolver.js';

export type { PrintingContext } from './printing-context.js';
export { FEYIN_CALLBACK_PATH } from './feyin-callbacks.js';

export const printingSchema: DomainSchema = {
  resolvers: [PrinterResolver, PrintMessageResolver],
  references: {
    Printer: resolvePrinterReference,
    PrintMessage: resolvePrintMessageReference,
  },
  // Live Feyin state: a cancel, a printout or a printer going offline may show this much later.
  cacheHints: { Printer: { maxAge: 'status' }, PrintMessage: { maxAge: 'status' } },
  fieldScopes: {
    'Query.printer': SCOPES.read,
    'Query.printMessage': SCOPES.read,
    'Mutation.cancelPrintMessage': SCOPES.printing,
    'Subscription.printMessageUpdated': SCOPES.read,
    'Subscription.printerUpdated': SCOPES.read,
    // Read from Feyin when asked for, also inside cancelPrintMessage's payload.
    'PrintMessage.status': SCOPES.read,
    'PrintMessage.printedAt': SCOPES.read,
    'PrintMessage.createdAt': SCOPES.read,
  },
  // Everything but the callbacks asks Feyin with the merchant's member account.
  account: {
    vendor: 'FEYIN',
    fields: [
      'Query.printer',
      'Query.printMessage',
      'Mutation.cancelPrintMessage',
      'Subscription.printMessageUpdated',
      'Subscription.printerUpdated',
      'PrintMessage.status',
      'PrintMessage.printedAt',
      'PrintMessage.createdAt',
    ],
    references: ['Printer', 'PrintMessage'],
  },
  // Every one of these asks Feyin (status fields share one call per message, but each is priced).
  fieldCosts: {
    'Query.printer': { weight: COST.vendorCall },
    'Query.printMessage': { weight: COST.vendorCall },
    'Mutation.cancelPrintMessage': { weight: COST.vendorCall },
    // Each event reads Feyin once, as the query does.
    'Subscription.printMessageUpdated': { weight: COST.vendorCall },
    'Subscription.printerUpdated': { weight: COST.vendorCall },
    'PrintMessage.status': { weight: COST.vendorCall },
    'PrintMessage.printedAt': { weight: COST.vendorCall },
    'PrintMessage.createdAt': { weight: COST.vendorCall },
  },
};

export interface PrintingOptions {
  /** The merchants, by id: whose Feyin account a callback to `/callbacks/feyin/<merchant>` is checked with. */
  merchants: { get(id: string): Merchant | undefined };
  vendorHttp: VendorHttpFactory;
  /** Status calls one request's entity batch may have in flight (VENDOR_CONCURRENCY). */
  batchConcurrency: number;
  metrics?: ServiceMetrics;
  /** Keeps the access token every replica on this database shares. */
  store: Store;
  /** How long one token fetch may hold the lease before another replica takes over. */
  tokenFetchLeaseMs: number;
  /** What Feyin's callbacks reported is forgotten after this (ENTITY_STATE_MAX_AGE). */
  entityStateMaxAgeSec: number;
  /** A signed callback whose own time is further from now than this is refused (CALLBACK_MAX_AGE). */
  callbackMaxAgeSec: number;
  logger: Logger;
  /** Change announcements, for subscriptions. */
  entityChanges: EntityChanges;
  /**
   * FEYIN_POLL_INTERVAL (in ms) and the poll lease's length: while anyone watches a Feyin message
   * or printer, the lease holder reads it this often. Absent = off (Feyin's callbacks only).
   */
  poll?: { intervalMs: number; leaseMs: number };
}

/** Feyin cloud printers: one client per merchant's account, and one access token per account shared by every replica. */
export function createPrinting(options: PrintingOptions): Domain<PrintingContext> {
  const clients = new AccountClients((account: FeyinConfig, merchantId: string) => {
    // An app-level token (with appid) and the member's own are separate tokens at Feyin.
    const identity = [account.baseUrl, account.memberCode, account.appId];
    const slot = new VendorTokenSlot(options.store, { vendor: 'FEYIN', merchant: merchantId, identity });
    return new FeyinClient(account, options.vendorHttp('FEYIN', account.baseUrl, { merchant: merchantId }), {
      batchConcurrency: options.batchConcurrency,
      tokenEvents: options.metrics?.tokenEvents('FEYIN'),
      sharedToken: { slot, fetchLeaseMs: options.tokenFetchLeaseMs },
    });
  });
  const feyinReports = new FeyinReports({
    store: options.store,
    maxAgeSec: options.entityStateMaxAgeSec,
    onExpiryError: (error) => options.logger.warn({ err: error }, 'printing: removing expired Feyin reports failed'),
  });
  const printingLoaders = createPrintingLoaders();
  const poller =
    options.poll &&
    new FeyinPoller({
      ...options.poll,
      store: options.store,
      changes: options.entityChanges,
      reports: feyinReports,
      clientFor: (merchantId) => {
        const account = options.merchants.get(merchantId)?.feyin;
        return account && !account.missing ? clients.for(account, merchantId) : undefined;
      },
      logger: options.logger,
      metrics: options.metrics,
    });
  const defaultKey = options.merchants.get(DEFAULT_MERCHANT)?.feyin.callbackKey;
  return {
    ...printingSchema,
    name: 'printing',
    context: (base) => {
      const { merchantId } = base;
      const feyin = clients.for(base.merchant.feyin, merchantId);
      return {
        feyin,
        feyinReports,
        printingLoaders: printingLoaders({ feyin, reports: feyinReports, merchantId, scope: base }),
        entityChanges: options.entityChanges,
        merchantId,
      };
    },
    routes: [
      feyinCallbackRoute({
        reports: feyinReports,
        merchants: options.merchants,
        maxAgeSec: options.callbackMaxAgeSec,
        logger: options.logger,
        metrics: options.metrics,
      }),
    ],
    start: () => poller?.start(),
    stop: async () => poller?.stop(),
    summary: {
      polling: options.poll ? `every ${options.poll.intervalMs / 1000} s while watched (one replica at a time)` : 'off',
      callbacks: defaultKey
        ? `on (POST ${FEYIN_CALLBACK_PATH}, and ${FEYIN_CALLBACK_PATH}/<merchant>)`
        : `default off (no FEYIN_CALLBACK_KEY or FEYIN_API_KEY); ${FEYIN_CALLBACK_PATH}/<merchant> for the others`,
    },
  };
}

// type-graphql's decorators in this folder need the metadata polyfill before they run.
import 'reflect-metadata';
import { SCOPES } from '../auth/caller-auth.js';
import { CallbackTokens } from './callback-tokens.js';
import type { Config } from '../config.js';
import type { LifepayAccount } from '../merchants/accounts.js';
import { AccountClients } from '../merchants/account-clients.js';
import { DEFAULT_MERCHANT, type Merchant } from '../merchants/merchant.js';
import type { EntityChanges } from '../live/entity-changes.js';
import { COST, type Domain, type DomainSchema } from '../graphql/domain.js';
import type { VendorHttpFactory } from '../vendor-http/vendor-http.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { Store } from '../store/index.js';
import type { Tracing } from '../observability/tracing.js';
import type { FiscalContext } from './fiscal-context.js';
import { resolveFiscalDocumentReference } from './fiscal-document.js';
import { createFiscalLoaders } from './fiscal-loaders.js';
import { resolveFiscalRegisterReference } from './fiscal-register.js';
import { DOCUMENTS_MAX, FiscalDocumentResolver, FiscalRegisterResolver } from './fiscal-resolver.js';
import { lifepayCallbackRoute, lifepayCallbackUrl } from './lifepay-callbacks.js';
import { LifepayClient, lifepayAnswered } from './lifepay-client.js';
import { FISCAL_DOCUMENT } from './fiscal-subscriptions.js';
import { EXT_ID_MAX } from './x-report-order.js';
import { XReports } from './x-reports.js';

export type { FiscalContext } from './fiscal-context.js';

export const fiscalSchema: DomainSchema = {
  resolvers: [FiscalDocumentResolver, FiscalRegisterResolver],
  references: {
    FiscalDocument: resolveFiscalDocumentReference,
    FiscalRegister: resolveFiscalRegisterReference,
  },
  cacheHints: {
    // Only its serial; its list of documents grows with every X-report.
    FiscalRegister: { maxAge: 'final' },
    'FiscalRegister.documents': { maxAge: 'status' },
    FiscalDocument: { maxAge: 'status', finalWhen: { field: 'status', values: ['PROCESSED', 'FAILED'] } },
    // LifePay may call back again after the final state: these follow its latest callback.
    'FiscalDocument.notification': { maxAge: 'status' },
    'FiscalDocument.notifiedAt': { maxAge: 'status' },
    'FiscalDocument.updatedAt': { maxAge: 'status' },
  },
  fieldScopes: {
    'Query.fiscalDocument': SCOPES.read,
    'Mutation.printXReport': SCOPES.fiscal,
    'Subscription.fiscalDocumentUpdated': SCOPES.read,
    // Stored rows beyond the mutation's own document: other documents, LifePay's callbacks.
    'FiscalRegister.documents': SCOPES.read,
    'FiscalDocument.notification': SCOPES.read,
  },
  // Only printXReport calls LifePay (its default login is the account's); the reads are store reads,
  // open to a merchant whose account was removed, so it still reads how its documents ended.
  account: { vendor: 'LIFEPAY', fields: ['Mutation.printXReport'], references: [] },
  // Only printXReport calls LifePay; the reads are store reads.
  fieldCosts: {
    'Mutation.printXReport': { weight: COST.vendorCall },
    'Query.fiscalDocument': { weight: COST.storedRead },
    'Subscription.fiscalDocumentUpdated': { weight: COST.storedRead },
    'FiscalDocument.notification': { weight: COST.storedRead },
    // `limit` (default 50) sizes the list; a variable limit is priced at the most the field returns.
    'FiscalRegister.documents': { weight: COST.storedRead, slicingArguments: ['limit'], assumedSize: DOCUMENTS_MAX },
  },
};

export interface FiscalOptions {
  config: Pick<Config, 'lifepay' | 'vendorMode' | 'publicUrl' | 'callbackSecret' | 'outboxConcurrency'>;
  /** The merchants as configured now: whose LifePay account a retry uses. */
  merchants: { get(id: string): Merchant | undefined };
  store: Store;
  vendorHttp: VendorHttpFactory;
  /** How long an outbox attempt may hold a document (derived from VENDOR_TIMEOUT_MS). */
  leaseMs: number;
  logger: Logger;
  metrics?: ServiceMetrics;
  tracing?: Tracing;
  /** Change announcements: the outbox and LifePay's callbacks announce, subscriptions wait for them. */
  entityChanges: EntityChanges;
}

/** LifePay X-reports: the client, the durable outbox and its worker, and the callback endpoint. */
export async function createFiscal(options: FiscalOptions): Promise<Domain<FiscalContext>> {
  const { config, store, logger } = options;
  // LifePay answers only with HTTP 200; any other status means "repeat the same request".
  const clients = new AccountClients(
    (account: LifepayAccount, merchantId: string) =>
      new LifepayClient(account, options.vendorHttp('LIFEPAY', account.baseUrl, { acceptStatuses: lifepayAnswered, merchant: merchantId })),
  );
  const tokens = await CallbackTokens.load(config, store);
  const { publicUrl } = config;
  if (publicUrl && lifepayCallbackUrl(publicUrl, tokens, DEFAULT_MERCHANT, 'x'.repeat(EXT_ID_MAX)) === undefined) {
    logger.warn(
      'PUBLIC_URL is too long for LifePay (callback_url is at most 255 characters): X-reports with long extIds are sent without a callback',
    );
  }
  const xReports = new XReports({
    store,
    mode: config.vendorMode,
    lifepayOf: (merchantId) => {
      const merchant = options.merchants.get(merchantId);
      return merchant && !merchant.lifepay.missing ? clients.for(merchant.lifepay, merchantId) : undefined;
    },
    retry: config.lifepay,
    concurrency: config.outboxConcurrency,
    leaseMs: options.leaseMs,
    callbackUrl: publicUrl ? (merchantId, extId) => lifepayCallbackUrl(publicUrl, tokens, merchantId, extId) : undefined,
    logger,
    tracing: options.tracing,
    onChange: (merchantId, extId) => options.entityChanges.announce(merchantId, FISCAL_DOCUMENT, extId),
    onFailed: (code) => options.metrics?.fiscalDocumentsFailed.inc({ code }),
  });
  options.metrics?.trackOutbox({ countByStatus: () => xReports.countByStatus(), dueSummary: () => xReports.dueSummary() });
  const fiscalLoaders = createFiscalLoaders(xReports);
  const foreign = await xReports.countOfOtherModes();
  if (foreign > 0) {
    logger.warn(
      { documents: foreign, mode: config.vendorMode },
      `${foreign} pending X-report(s) in ${store.location} were not recorded in ${config.vendorMode} mode: they are never sent from here`,
    );
  }
  return {
    ...fiscalSchema,
    name: 'fiscal',
    context: ({ merchant, merchantId }) => ({
      xReports,
      fiscalLoaders: fiscalLoaders(merchantId),
      entityChanges: options.entityChanges,
      lifepay: clients.for(merchant.lifepay, merchantId),
      merchantId,
    }),
    routes: [lifepayCallbackRoute({ tokens, xReports, logger, metrics: options.metrics })],
    start: () => xReports.startWorker(),
    stop: () => xReports.stopWorker(),
    summary: { callbacks: publicUrl ? 'on' : 'off (no PUBLIC_URL)', defaultLogin: config.lifepay.login ? 'set' : 'none' },
  };
}

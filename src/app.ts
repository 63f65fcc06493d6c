import { CallerAuth } from './auth/caller-auth.js';
import { CallbackTokens } from './callback-tokens.js';
import { configuredVendors, type Config } from './config.js';
import { EXT_ID_MAX } from './fiscal/fiscal-input.js';
import { lifepayCallbackRoute, lifepayCallbackUrl } from './fiscal/lifepay-callbacks.js';
import { XReports } from './fiscal/x-reports.js';
import { leaseMsFor } from './http.js';
import type { Logger } from './logger.js';
import { ServiceMetrics } from './metrics.js';
import { CancelledOrders } from './logistics/cancelled-orders.js';
import { KnownPickupCodes } from './pickup/known-pickup-codes.js';
import { startSandbox, withSandboxVendors, type RunningSandbox } from './sandbox/index.js';
import { buildSubgraph } from './schema.js';
import { ServiceServer } from './server.js';
import { openStore, SANDBOX_SQLITE_FILE, SQLITE_FILE, type Store } from './store/index.js';
import { createVendors } from './vendors.js';

export interface RunningService {
  config: Config;
  server: ServiceServer;
  metrics: ServiceMetrics;
  store: Store;
  xReports: XReports;
  /** The in-process vendor simulators (sandbox mode only). */
  sandbox?: RunningSandbox;
  url: string;
  stop(): Promise<void>;
}

/** config → (sandbox) → store → vendor clients → schema → HTTP server → outbox worker. */
export async function startService(baseConfig: Config, logger: Logger, options: { sandbox?: RunningSandbox } = {}): Promise<RunningService> {
  let sandbox = options.sandbox;
  const ownsSandbox = baseConfig.vendorMode === 'sandbox' && !sandbox;
  if (ownsSandbox) sandbox = await startSandbox();
  try {
    return await startWith(baseConfig, logger, sandbox, ownsSandbox);
  } catch (error) {
    // Nothing half-started stays behind: the simulators close with the failed start.
    if (ownsSandbox) await sandbox?.sandbox.close();
    throw error;
  }
}

async function startWith(baseConfig: Config, logger: Logger, sandbox: RunningSandbox | undefined, ownsSandbox: boolean): Promise<RunningService> {
  const config = baseConfig.vendorMode === 'sandbox' && sandbox ? withSandboxVendors(baseConfig, sandbox) : baseConfig;

  if (config.vendorMode === 'sandbox') {
    logger.info({ sandbox: sandbox?.sandbox.url }, 'vendor mode: sandbox (built-in simulators, no vendor accounts needed)');
  } else {
    const vendors = configuredVendors(config);
    const live = Object.entries(vendors).filter(([, ok]) => ok).map(([v]) => v);
    const missing = Object.entries(vendors).filter(([, ok]) => !ok).map(([v]) => v);
    logger.info({ live, notConfigured: missing }, `vendor mode: live (${live.join(', ') || 'none'} configured${missing.length ? `; ${missing.join(', ')} answer VENDOR_NOT_CONFIGURED` : ''})`);
  }

  const { auth } = config;
  if (auth.jwtSecret || auth.jwksUrl) {
    logger.info({ method: auth.jwtSecret ? 'HS256 secret' : 'JWKS', issuer: auth.issuer, audience: auth.audience }, 'caller authentication: on (scopes enforced)');
  } else if (config.vendorMode === 'live') {
    logger.warn('caller authentication is DISABLED (AUTH_DISABLED=true): anyone who reaches this service can cancel orders and print fiscal documents');
  } else {
    logger.info('caller authentication: off (sandbox mode)');
  }
  if (auth.routerSecret) logger.info('router secret: required on every GraphQL request');
  if (config.graphiql && !config.introspection) logger.warn('GRAPHIQL is on but INTROSPECTION is off: its docs and autocomplete stay empty');

  const store = await openStore({
    dataDir: config.dataDir,
    file: config.vendorMode === 'sandbox' ? SANDBOX_SQLITE_FILE : SQLITE_FILE,
    databaseUrl: config.databaseUrl,
    logger,
  });
  const metrics = new ServiceMetrics();
  const vendors = createVendors(config, logger, metrics);
  const tokens = await CallbackTokens.load(config, store);
  const publicUrl = config.publicUrl;
  if (publicUrl && lifepayCallbackUrl(publicUrl, tokens, 'x'.repeat(EXT_ID_MAX)) === undefined) {
    logger.warn('PUBLIC_URL is too long for LifePay (callback_url is at most 255 characters): X-reports with long extIds are sent without a callback');
  }
  const xReports = new XReports({
    store,
    mode: config.vendorMode,
    lifepay: vendors.lifepay,
    retry: config.lifepay,
    // Longer than any attempt can take, so a lease only expires when its holder is gone.
    leaseMs: leaseMsFor(config.vendorTimeoutMs),
    callbackUrl: publicUrl ? (extId) => lifepayCallbackUrl(publicUrl, tokens, extId) : undefined,
    logger,
  });
  metrics.trackOutbox(() => xReports.documents.countByStatus());
  const foreign = await xReports.documents.countOpenOfOtherModes();
  if (foreign > 0) {
    logger.warn({ documents: foreign, mode: config.vendorMode }, `${foreign} pending X-report(s) in ${store.location} were not recorded in ${config.vendorMode} mode: they are never sent from here`);
  }
  const schema = await buildSubgraph();
  const server = new ServiceServer({
    schema,
    vendors,
    services: { xReports, cancelledOrders: new CancelledOrders(), knownPickupCodes: new KnownPickupCodes() },
    logger,
    metrics,
    auth: new CallerAuth(config.auth),
    limits: { maxDepth: config.auth.maxQueryDepth, maxCost: config.auth.maxQueryCost },
    production: config.production,
    debugErrors: config.debugErrors,
    timeouts: { requestMs: config.httpRequestTimeoutMs, headersMs: config.httpHeadersTimeoutMs },
    introspection: config.introspection,
    graphiql: config.graphiql,
    routes: [lifepayCallbackRoute({ tokens, xReports, logger })],
    readinessChecks: [() => store.ping()],
  });
  try {
    await server.listen(config.port, config.host);
  } catch (error) {
    await store.close();
    throw error;
  }
  xReports.startWorker();
  logger.info({ port: (server.http.address() as { port: number }).port }, `GraphQL at http://localhost:${(server.http.address() as { port: number }).port}/graphql`);

  return {
    config,
    server,
    metrics,
    store,
    xReports,
    sandbox,
    url: server.url,
    async stop() {
      // In-flight requests and the worker's current attempt finish before the store closes.
      await Promise.all([server.stop(), xReports.stopWorker()]);
      await store.close();
      if (ownsSandbox) await sandbox?.sandbox.close();
    },
  };
}

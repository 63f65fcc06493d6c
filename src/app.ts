import { CallerAuth } from './auth/caller-auth.js';
import type { Config } from './config.js';
import { configuredVendors } from './merchants/accounts.js';
import { DEFAULT_MERCHANT, merchantOf } from './merchants/merchant.js';
import { Merchants, type MerchantLookup, type MerchantsSummary } from './merchants/merchants.js';
import type { RequestContext } from './graphql/context.js';
import type { Domain } from './graphql/domain.js';
import { EntityChanges } from './live/entity-changes.js';
import { createFiscal } from './fiscal/index.js';
import { leaseMsFor, vendorHttpFactory } from './vendor-http/vendor-http.js';
import type { Logger } from './observability/logger.js';
import { createLogistics } from './logistics/index.js';
import { ServiceMetrics } from './observability/metrics.js';
import { createPickup } from './pickup/index.js';
import { createPrinting, FEYIN_CALLBACK_PATH } from './printing/index.js';
import type { BaseContext } from './observability/request-scope.js';
import type { Tracing } from './observability/tracing.js';
import { VendorTransports } from './vendor-http/vendor-transport.js';
import { directVendorHttp } from './vendor-http/bench-direct.js';
import { MerchantShares } from './vendor-http/call-slots.js';
import {
  SandboxFileMerchants,
  sandboxMerchants,
  sendSandboxCallbacksTo,
  startSandbox,
  withSandboxVendors,
  type RunningSandbox,
} from './sandbox/index.js';
import { buildSubgraph, fieldCostsOf } from './graphql/schema.js';
import { ServiceServer } from './server/server.js';
import { openStore, SANDBOX_SQLITE_FILE, SQLITE_FILE, type Store } from './store/index.js';

export interface RunningService {
  config: Config;
  server: ServiceServer;
  metrics: ServiceMetrics;
  store: Store;
  /** The configured merchants; `reload()` reads MERCHANTS_FILE again (SIGHUP). */
  merchants: Merchants;
  /** Change announcements and who watches them (subscriptions). */
  entityChanges: EntityChanges;
  /** The in-process vendor simulators (sandbox mode only). */
  sandbox?: RunningSandbox;
  url: string;
  /** SIGTERM's first step: `/ready` answers 503 for SHUTDOWN_DRAIN_MS while requests are still served. */
  drain(): Promise<void>;
  /** Ends the drain now (a second signal). */
  skipDrain(): void;
  stop(): Promise<void>;
}

/** How often the sandbox's restless printer changes status (with a `device_status` callback). */
const SANDBOX_PRINTER_STATUS_EVERY_MS = 90_000;

/** config → (sandbox) → store → domains → schema → HTTP server → the domains' background work. */
export async function startService(
  baseConfig: Config,
  logger: Logger,
  options: { sandbox?: RunningSandbox; tracing?: Tracing } = {},
): Promise<RunningService> {
  let sandbox = options.sandbox;
  const ownsSandbox = baseConfig.vendorMode === 'sandbox' && !sandbox;
  // Sandbox mode's own simulators: a printer changes status now and then, as real ones do.
  if (ownsSandbox) sandbox = await startSandbox({ feyin: { statusChangeEveryMs: SANDBOX_PRINTER_STATUS_EVERY_MS } });
  try {
    return await startWith(baseConfig, logger, sandbox, ownsSandbox, options.tracing);
  } catch (error) {
    // Nothing half-started stays behind: the simulators close with the failed start.
    if (ownsSandbox) await sandbox?.sandbox.close();
    throw error;
  }
}

async function startWith(
  baseConfig: Config,
  logger: Logger,
  sandbox: RunningSandbox | undefined,
  ownsSandbox: boolean,
  tracing: Tracing | undefined,
): Promise<RunningService> {
  const config = baseConfig.vendorMode === 'sandbox' && sandbox ? withSandboxVendors(baseConfig, sandbox) : baseConfig;
  warnAboutRisks(config, logger);

  const store = await openStore({
    dataDir: config.dataDir,
    file: config.vendorMode === 'sandbox' ? SANDBOX_SQLITE_FILE : SQLITE_FILE,
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    logger,
    tracing,
  });
  // Sandbox mode: the file's merchants at the simulators, which learn their accounts (at start and on every reload).
  const fileMerchants = config.vendorMode === 'sandbox' && sandbox ? new SandboxFileMerchants(sandbox, logger) : undefined;
  const merchants = new Merchants({
    defaultMerchant: merchantOf(DEFAULT_MERCHANT, config),
    builtIn: config.vendorMode === 'sandbox' && sandbox ? sandboxMerchants(sandbox) : [],
    adapt: fileMerchants?.adapt,
    source: config.merchants,
    logger,
  });
  // Fairness is between merchants: a deployment serving only `default` keeps every socket for it.
  const shareLimit = () => (merchants.size > 1 ? config.merchantVendorConcurrency : Infinity);
  const merchantShares = new MerchantShares(shareLimit());
  merchants.onReload(() => merchantShares.setLimit(shareLimit()));
  const metrics = new ServiceMetrics();
  // BENCH_ABLATE (`npm run bench` only; config refuses it in production): the layers left out.
  const ablate = config.benchAblate;
  const requestMetrics = ablate.has('metrics') ? undefined : metrics;
  let entityChanges: EntityChanges;
  try {
    entityChanges = await EntityChanges.open(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  if (store.connections) metrics.trackDatabasePool(store.connections);
  metrics.trackMerchantShares(() => merchantShares.waiting());
  const transports = new VendorTransports(config.vendorTransport);
  const vendorHttp = vendorHttpFactory({
    timeoutMs: config.vendorTimeoutMs,
    maxBodyBytes: config.vendorMaxBodyBytes,
    logger,
    metrics: requestMetrics,
    tracing,
    transports,
    merchantShares: ablate.has('merchants') ? undefined : merchantShares,
    create: ablate.has('ky') ? directVendorHttp(transports) : undefined,
  });
  let domains;
  try {
    // Longer than any attempt can take, so a lease (outbox attempt, token fetch) only expires when its holder is gone.
    const leaseMs = leaseMsFor(config.vendorTimeoutMs);
    const entityStateMaxAgeSec = config.entityStateMaxAgeSec;
    const printing = createPrinting({
      merchants,
      vendorHttp,
      batchConcurrency: config.vendorConcurrency,
      metrics: requestMetrics,
      store,
      tokenFetchLeaseMs: leaseMs,
      entityStateMaxAgeSec,
      callbackMaxAgeSec: config.callbackMaxAgeSec,
      logger,
      entityChanges,
      poll: config.feyinPollIntervalSec > 0 ? feyinPolling(config.feyinPollIntervalSec, leaseMs) : undefined,
    });
    const pickup = createPickup({ store, vendorHttp, entityStateMaxAgeSec, logger });
    const logistics = createLogistics({
      store,
      vendorHttp,
      entityStateMaxAgeSec,
      logger,
      metrics: requestMetrics,
      tokenFetchLeaseMs: leaseMs,
    });
    const fiscal = await createFiscal({
      config,
      merchants,
      store,
      vendorHttp,
      leaseMs,
      logger,
      metrics: requestMetrics,
      tracing,
      entityChanges,
    });
    domains = { printing, pickup, logistics, fiscal };
  } catch (error) {
    await store.close();
    throw error;
  }
  const all: Domain[] = Object.values(domains);
  /** Every domain's slice of a request's context, assigned onto `target` (the server's part: not spread, its logger is a getter made only when used). */
  const withSlices = <T extends object>(target: T, base: BaseContext) =>
    Object.assign(
      target,
      domains.printing.context(base),
      domains.pickup.context(base),
      domains.logistics.context(base),
      domains.fiscal.context(base),
    );
  let context = (base: BaseContext): RequestContext => withSlices(base, base);
  if (ablate.has('loaders')) {
    // Each merchant's first request's slices (its loaders, with their caches, and clients) serve every later one.
    const made = new Map<string, object>();
    const slicesFor = (base: BaseContext): object => {
      const slices = withSlices({}, base);
      made.set(base.merchantId, slices);
      return slices;
    };
    context = (base) => {
      const slices = made.get(base.merchantId) ?? slicesFor(base);
      return Object.assign(base, slices) as RequestContext;
    };
  }

  const auth = new CallerAuth(config.auth);
  const server = new ServiceServer({
    schema: await buildSubgraph(all),
    context,
    logger,
    metrics: requestMetrics,
    auth,
    merchants: ablate.has('merchants') ? fixedMerchant(merchants) : merchants,
    limits: ablate.has('limits')
      ? undefined
      : { maxDepth: config.auth.maxQueryDepth, maxCost: config.auth.maxQueryCost, fieldCosts: fieldCostsOf(all) },
    production: config.production,
    drainMs: config.shutdownDrainMs,
    debugErrors: config.debugErrors,
    timeouts: { requestMs: config.httpRequestTimeoutMs, headersMs: config.httpHeadersTimeoutMs },
    introspection: config.introspection,
    graphiql: config.graphiql,
    routes: all.flatMap((domain) => domain.routes ?? []),
    cors: { origins: config.corsOrigins },
    // With caller auth on, an answer is for callers holding its scopes only.
    cacheControl: { hints: all.map((domain) => domain.cacheHints), maxAge: config.cacheMaxAge, private: auth.enforcing },
    readinessChecks: [() => store.ping()],
    tracing,
    benchAblate: ablate,
    subscriptions: {
      max: config.subscriptionsMax,
      keepAliveMs: config.wsKeepAliveMs,
      connectionInitWaitMs: config.wsInitTimeoutMs,
      connectionsMax: config.wsConnectionsMax,
      callbackOrigins: config.subscriptionCallbackOrigins,
      callbackTimeoutMs: config.vendorTimeoutMs,
      callbackPacing: config.subscriptionCallbackPacing,
    },
  });
  const slots = server.subscriptionSlots;
  if (slots) {
    metrics.trackSubscriptionLimit(slots.max);
    if (slots.max < slots.configuredMax) {
      logger.warn(
        { subscriptionsMax: slots.configuredMax, heapHolds: slots.max },
        `SUBSCRIPTIONS_MAX is ${slots.configuredMax}, but this process's heap holds ${slots.max} open subscriptions: past that a new one is refused (raise --max-old-space-size for more)`,
      );
    }
  }
  try {
    await server.listen(config.port, config.host);
  } catch (error) {
    await store.close();
    throw error;
  }
  // Feyin's console setting, in the sandbox: each member's callbacks come to this service's own route for its merchant.
  // With FEYIN_POLL_INTERVAL the sandbox plays a deployment Feyin cannot reach: no callbacks, every change comes by polling.
  if (config.feyinPollIntervalSec === 0) {
    if (config.vendorMode === 'sandbox' && sandbox) sendSandboxCallbacksTo(sandbox, `${server.url}${FEYIN_CALLBACK_PATH}`);
    fileMerchants?.sendCallbacksTo(`${server.url}${FEYIN_CALLBACK_PATH}`);
  }
  transports.preload();
  merchants.watchFile();
  for (const domain of all) domain.start?.();
  logStartup(config, logger, { port: Number(new URL(server.url).port), sandbox, store, domains: all, merchants: merchants.summary() });

  return {
    config,
    server,
    metrics,
    store,
    merchants,
    entityChanges,
    sandbox,
    url: server.url,
    drain: () => server.drain(),
    skipDrain: () => server.skipDrain(),
    async stop() {
      merchants.close();
      // In-flight requests and the domains' background work finish before the store closes.
      await Promise.all([server.stop(), ...all.map((domain) => domain.stop?.())]);
      await entityChanges.close();
      await Promise.all([store.close(), transports.close()]);
      if (ownsSandbox) await sandbox?.sandbox.close();
    },
  };
}

/**
 * FEYIN_POLL_INTERVAL's rounds and their lease: it outlasts three rounds and any one round's
 * vendor calls (`leaseMs`), so it only passes to another replica when its holder is gone.
 */
function feyinPolling(intervalSec: number, leaseMs: number): { intervalMs: number; leaseMs: number } {
  const intervalMs = intervalSec * 1000;
  return { intervalMs, leaseMs: Math.max(3 * intervalMs, leaseMs) };
}

/** BENCH_ABLATE=merchants: every request acts for `default`, looked up once (bench only). */
function fixedMerchant(merchants: Merchants): MerchantLookup {
  const merchant = merchants.get(DEFAULT_MERCHANT)!;
  return { forCaller: () => merchant, get: (id) => merchants.get(id), onReload: (listener) => merchants.onReload(listener) };
}

/** Settings an operator must not miss: each its own warning line. */
function warnAboutRisks(config: Config, logger: Logger): void {
  const { auth } = config;
  if (config.vendorMode === 'live' && !auth.jwtSecret && !auth.jwksUrl) {
    logger.warn(
      'caller authentication is DISABLED (AUTH_DISABLED=true): ' +
        'anyone who reaches this service can cancel orders and print fiscal documents',
    );
  }
  if (config.benchAblate.size > 0)
    logger.warn(`BENCH_ABLATE leaves out ${[...config.benchAblate].join(', ')}: a benchmark variant, not a service to rely on`);
  if (config.graphiql && !config.introspection)
    logger.warn('GRAPHIQL is on but INTROSPECTION is off: its docs and autocomplete stay empty');
}

/** One line that says how this process runs: vendors, auth, database, domains, URL. */
function logStartup(
  config: Config,
  logger: Logger,
  started: { port: number; sandbox?: RunningSandbox; store: Store; domains: Domain[]; merchants: MerchantsSummary },
): void {
  const { auth } = config;
  let vendors: string;
  let vendorFields: Record<string, unknown>;
  if (config.vendorMode === 'sandbox') {
    vendors = 'sandbox (built-in simulators, no vendor accounts needed';
    // The file's accounts are not the vendors' here: the simulators learned them (see SandboxFileMerchants).
    vendors += config.merchants.file ? "; the simulators also know MERCHANTS_FILE's merchants' accounts)" : ')';
    vendorFields = { sandbox: started.sandbox?.sandbox.url };
  } else {
    const configured = Object.entries(configuredVendors(config));
    const live = configured.filter(([, ok]) => ok).map(([vendor]) => vendor);
    const notConfigured = configured.filter(([, ok]) => !ok).map(([vendor]) => vendor);
    const refusing = notConfigured.length ? `; ${notConfigured.join(', ')} answer VENDOR_NOT_CONFIGURED` : '';
    vendors = `live (${live.join(', ') || 'none'} configured${refusing})`;
    vendorFields = { live, notConfigured };
  }
  const method = auth.jwtSecret ? 'HS256 secret' : auth.jwksUrl ? 'JWKS' : 'off';
  const callerAuth = method === 'off' ? 'off' : `on (${method}, scopes enforced)`;
  logger.info(
    {
      port: started.port,
      vendorMode: config.vendorMode,
      ...vendorFields,
      callerAuth: { method, issuer: auth.issuer, audience: auth.audience, routerSecret: Boolean(auth.routerSecret) },
      database: started.store.location,
      merchants: started.merchants,
      domains: Object.fromEntries(started.domains.map((domain) => [domain.name, domain.summary ?? 'ready'])),
    },
    `GraphQL at http://localhost:${started.port}/graphql; vendor mode: ${vendors}; ${merchantsLine(started.merchants)}; caller authentication: ${callerAuth}`,
  );
}

/** `3 merchants (accounts: FEYIN 3, PICKUP 1, APIUSB 2, LIFEPAY 3)`. */
function merchantsLine(summary: MerchantsSummary): string {
  const accounts = Object.entries(summary.accounts).map(([vendor, count]) => `${vendor} ${count}`);
  return `${summary.merchants} merchant${summary.merchants === 1 ? '' : 's'} (accounts: ${accounts.join(', ')})`;
}

import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every vendor, so that a vendor's series exist (at 0) before its first call: alerts and panels read them. */
const VENDORS = ['FEYIN', 'PICKUP', 'APIUSB', 'LIFEPAY'] as const;

/** What a poll's read of a watched key found (`feyin_poll_reads_total{outcome}`). */
export const POLL_OUTCOMES = ['changed', 'unchanged', 'failed'] as const;
export type PollOutcome = (typeof POLL_OUTCOMES)[number];

/** Where a GraphQL operation came in: POST/GET /graphql, graphql-ws, or the router's HTTP callbacks. */
export type OperationTransport = 'http' | 'ws' | 'callback';

/** Distinct GraphQL operation names kept as labels; the rest count as `other`. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * The service's Prometheus metrics. Labels never carry ids, tokens or free text: vendor
 * operations are path templates, GraphQL operation names are capped.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly vendorCalls = new Counter({
    name: 'vendor_calls_total',
    help: 'Vendor HTTP calls by vendor, operation and outcome (OK or the error code)',
    labelNames: ['vendor', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly vendorLatency = new Histogram({
    name: 'vendor_call_duration_seconds',
    help: 'Vendor HTTP call latency',
    labelNames: ['vendor', 'operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly graphqlOperations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by operation name, outcome (OK or the first error code) and transport (http, ws, callback); a subscription counts once, when it ends',
    labelNames: ['operation', 'outcome', 'transport'] as const,
    registers: [this.registry],
  });
  readonly graphqlLatency = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by transport; for a subscription, how long it was open',
    labelNames: ['operation', 'transport'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly tokenRenewals = new Counter({
    name: 'vendor_token_renewals_total',
    help: 'Vendor access tokens fetched or renewed',
    labelNames: ['vendor'] as const,
    registers: [this.registry],
  });
  readonly tokenRenewalFailures = new Counter({
    name: 'vendor_token_renewal_failures_total',
    help: 'Vendor access token fetches that failed (the vendor refused our credentials, or could not be reached)',
    labelNames: ['vendor'] as const,
    registers: [this.registry],
  });
  readonly fiscalDocumentsFailed = new Counter({
    name: 'fiscal_documents_failed_total',
    help: 'Fiscal documents that ended FAILED on this process, by the error code they ended with',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly vendorCallbacks = new Counter({
    name: 'vendor_callbacks_total',
    help: 'Vendor callbacks received, by vendor and outcome (accepted, or why refused: bad_secret, malformed, stale, too_large, ...)',
    labelNames: ['vendor', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly subscriptionsOpen = new Gauge({
    name: 'graphql_subscriptions_open',
    help: 'GraphQL subscriptions open on this process, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly subscriptionEvents = new Counter({
    name: 'graphql_subscription_events_total',
    help: 'Subscription events sent, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly wsConnectionsRefused = new Counter({
    name: 'graphql_ws_connections_refused_total',
    help: 'WebSocket upgrades on /graphql answered 503 for want of room, by reason: connections_max (WS_CONNECTIONS_MAX open) or pending_max (its share of sockets without connection_init)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly httpConnectionsRefused = new Counter({
    name: 'http_connections_refused_total',
    help: 'TCP connections closed as they were accepted because this process held its most (WS_CONNECTIONS_MAX plus as many plain HTTP connections as a quarter of the heap holds)',
    registers: [this.registry],
  });
  readonly feyinPolledKeys = new Gauge({
    name: 'feyin_polled_keys',
    help: 'Watched Feyin messages and printers this replica polls (FEYIN_POLL_INTERVAL); 0 when another replica holds the poll lease, or polling is off',
    registers: [this.registry],
  });
  readonly feyinPollReads = new Counter({
    name: 'feyin_poll_reads_total',
    help: 'States of watched Feyin messages and printers read by polling, by outcome: changed (announced), unchanged, failed (Feyin did not answer)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly operationNames = new Set<string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'nodejs_heap_size_limit_bytes',
      help: "V8's heap limit (the start command's --max-old-space-size plus the young generation): the heap cannot grow past it",
      registers: [this.registry],
      collect() {
        this.set(getHeapStatistics().heap_size_limit);
      },
    });
    new Gauge({
      name: 'process_memory_limit_bytes',
      help: "Memory this process may use: its cgroup's limit (a container's memory limit), else the machine's memory",
      registers: [this.registry],
      collect() {
        const constrained = process.constrainedMemory();
        this.set(constrained > 0 && constrained < totalmem() ? constrained : totalmem());
      },
    });
    for (const outcome of POLL_OUTCOMES) this.feyinPollReads.inc({ outcome }, 0);
    for (const vendor of VENDORS) {
      this.tokenRenewals.inc({ vendor }, 0);
      this.tokenRenewalFailures.inc({ vendor }, 0);
    }
  }

  /** A vendor's token fetches and failed fetches, counted (TokenCache's hooks). */
  tokenEvents(vendor: string): { onRenew(): void; onRenewFailed(): void } {
    return {
      onRenew: () => this.tokenRenewals.inc({ vendor }),
      onRenewFailed: () => this.tokenRenewalFailures.inc({ vendor }),
    };
  }

  /** SUBSCRIPTIONS_MAX, so an alert can compare the open subscriptions with it. */
  trackSubscriptionLimit(max: number): void {
    new Gauge({
      name: 'graphql_subscriptions_max',
      help: 'Open subscriptions this process serves at most, all transports (SUBSCRIPTIONS_MAX)',
      registers: [this.registry],
    }).set(max);
    for (const transport of ['graphql-ws', 'callback']) this.subscriptionsOpen.inc({ transport }, 0);
  }

  /** Open graphql-ws sockets by state, read on scrape, and WS_CONNECTIONS_MAX beside them. */
  trackWsConnections(sockets: { max: number; counts: { pending: number; initialised: number } }): void {
    new Gauge({
      name: 'graphql_ws_connections',
      help: 'Open WebSockets on /graphql: pending (no connection_init accepted yet) or initialised',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const { pending, initialised } = sockets.counts;
        this.set({ state: 'pending' }, pending);
        this.set({ state: 'initialised' }, initialised);
      },
    });
    new Gauge({
      name: 'graphql_ws_connections_max',
      help: 'Open WebSockets this process holds at most (WS_CONNECTIONS_MAX); a quarter of them may be pending',
      registers: [this.registry],
    }).set(sockets.max);
    for (const reason of ['connections_max', 'pending_max']) this.wsConnectionsRefused.inc({ reason }, 0);
  }

  /** Vendor calls waiting in line for their merchant's share (MERCHANT_VENDOR_CONCURRENCY), read on scrape. */
  trackMerchantShares(waiting: () => Iterable<{ vendor: string; queued: number }>): void {
    new Gauge({
      name: 'vendor_calls_waiting',
      help: "Vendor calls waiting for their merchant's share of the vendor (MERCHANT_VENDOR_CONCURRENCY), by vendor: a merchant's backlog, not a slow vendor",
      labelNames: ['vendor'] as const,
      registers: [this.registry],
      collect() {
        const totals = new Map<string, number>(VENDORS.map((vendor) => [vendor, 0]));
        for (const { vendor, queued } of waiting()) totals.set(vendor, (totals.get(vendor) ?? 0) + queued);
        for (const [vendor, queued] of totals) this.set({ vendor }, queued);
      },
    });
  }

  /**
   * The fiscal outbox: its depth, what is due now and how long the oldest due document has
   * waited; read from the store only when /metrics is scraped.
   */
  trackOutbox(outbox: {
    countByStatus: () => Promise<Record<string, number>>;
    dueSummary: () => Promise<{ count: number; oldestDueAt: Date | null }>;
  }): void {
    new Gauge({
      name: 'fiscal_outbox_documents',
      help: 'Fiscal documents in the outbox by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [status, count] of Object.entries(await outbox.countByStatus())) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'fiscal_outbox_due_documents',
      help: 'Fiscal documents whose next attempt is due now (scheduled retries and attempts whose holder vanished)',
      registers: [this.registry],
      async collect() {
        this.set((await outbox.dueSummary()).count);
      },
    });
    new Gauge({
      name: 'fiscal_outbox_oldest_due_age_seconds',
      help: 'How long the oldest due fiscal document has been waiting for its attempt (0 when none is due)',
      registers: [this.registry],
      async collect() {
        const { oldestDueAt } = await outbox.dueSummary();
        this.set(oldestDueAt ? Math.max(0, (Date.now() - oldestDueAt.getTime()) / 1000) : 0);
      },
    });
  }

  /** PostgreSQL connections of this process, by state, read on scrape (SQLite has none to count). */
  trackDatabasePool(connections: () => { inUse: number; idle: number; waiting: number }): void {
    new Gauge({
      name: 'database_pool_connections',
      help: 'PostgreSQL connections of this process: in use, idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const { inUse, idle, waiting } = connections();
        this.set({ state: 'in_use' }, inUse);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'waiting' }, waiting);
      },
    });
  }

  operationLabel(name: string | null | undefined): string {
    if (!name || !OPERATION_NAME.test(name)) return name ? 'other' : 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}

/** For requests without an explicit operation name: the method and first path segment only, so no id reaches a label. */
export function vendorOperation(method: string, path: string): string {
  const first = path.split('/').find(Boolean) ?? '';
  return `${method} /${/^[a-z][a-z_-]{0,31}$/.test(first) ? first : ':id'}`;
}

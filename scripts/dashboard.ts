// `npm exec -- tsx scripts/dashboard.ts`: writes deploy/grafana/vendor-operations-subgraph.json, the
// Grafana dashboard, from the panel table below (one place for the selector every query must carry).
// test/deploy/prometheus-live.test.ts checks that the committed file equals this script's output.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';

export const DASHBOARD_FILE = 'deploy/grafana/vendor-operations-subgraph.json';

/** Put at the start of a panel's description when the panel shows only failures: an empty panel is good news. */
export const FAILURE_ONLY = 'Shows only failures: empty while all is well.';
/** Put at the start of a panel's description when its metric exists only with DATABASE_URL (PostgreSQL). */
export const POSTGRES_ONLY = 'PostgreSQL only: empty with the embedded SQLite database.';

/** Every series a panel reads carries this: the dashboard's job, namespace and instance variables. */
export const SELECTOR = 'job=~"$job", namespace=~"$namespace", instance=~"$instance"';
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** A metric the service always exports (set at start-up, one per process): it names the service's jobs and instances. */
const IDENTITY_METRIC = 'graphql_subscriptions_max';

interface Query {
  expr: string;
  legend: string;
}
interface Panel {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  kind?: 'timeseries' | 'stat';
  width?: number;
  /** refIds of queries drawn as a dashed red limit line. */
  limits?: string[];
}
interface Row {
  title: string;
  panels: Panel[];
}

const rate = (metric: string, extra = '') => `rate(${metric}{${SELECTOR}${extra}}[$__rate_interval])`;
const quantiles = (metric: string, by: string): Query[] =>
  [0.5, 0.95, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le, ${by}) (${rate(`${metric}_bucket`)}))`,
    legend: `p${Math.round(q * 100)} {{${by}}}`,
  }));
const gauge = (metric: string, extra = '') => `${metric}{${SELECTOR}${extra}}`;

const rows: Row[] = [
  {
    title: 'GraphQL operations',
    panels: [
      {
        title: 'Replicas up',
        description: 'Replicas Prometheus scrapes successfully right now (up == 1) out of those it tries.',
        unit: 'short',
        kind: 'stat',
        width: 4,
        queries: [
          { expr: `sum(${gauge('up')})`, legend: 'up' },
          { expr: `count(${gauge('up')})`, legend: 'scraped' },
        ],
      },
      {
        title: 'SLO error ratio (server faults)',
        description:
          'Share of GraphQL operations that failed on our side (INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE) over all operations. Caller and vendor errors do not count. 0 while all is well.',
        unit: 'percentunit',
        kind: 'stat',
        width: 4,
        queries: [
          {
            expr: `(sum(${rate('graphql_operations_total', ', outcome=~"INTERNAL_SERVER_ERROR|SERVICE_UNAVAILABLE"')}) or vector(0)) / sum(${rate('graphql_operations_total')})`,
            legend: 'server faults',
          },
        ],
      },
      {
        title: 'Operations by operation and transport',
        description:
          'GraphQL operations per second by operation name and transport (http, ws, callback). A subscription counts once, when it ends.',
        unit: 'reqps',
        width: 16,
        queries: [
          {
            expr: `sum by (operation, transport) (${rate('graphql_operations_total')})`,
            legend: '{{operation}} {{transport}}',
          },
        ],
      },
      {
        title: 'Operation errors by outcome',
        description: `${FAILURE_ONLY} GraphQL operations per second that ended with an error, by the first error's code and operation.`,
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (outcome, operation) (${rate('graphql_operations_total', ', outcome!="OK"')})`,
            legend: '{{outcome}} {{operation}}',
          },
        ],
      },
      {
        title: 'Operation latency by transport',
        description:
          'GraphQL operation latency p50, p95, p99 by transport. For subscriptions (ws, callback) this is how long they stayed open, not a latency.',
        unit: 's',
        queries: quantiles('graphql_operation_duration_seconds', 'transport'),
      },
    ],
  },
  {
    title: 'Vendors',
    panels: [
      {
        title: 'Vendor calls by vendor and operation',
        description: 'HTTP calls to the vendors per second, by vendor and vendor operation, whatever their outcome.',
        unit: 'reqps',
        queries: [{ expr: `sum by (vendor, operation) (${rate('vendor_calls_total')})`, legend: '{{vendor}} {{operation}}' }],
      },
      {
        title: 'Vendor call failures by vendor and outcome',
        description: `${FAILURE_ONLY} Vendor calls per second that failed at the HTTP level (timeout, connection error, 5xx, unreadable answer), by vendor and outcome.`,
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (vendor, outcome) (${rate('vendor_calls_total', ', outcome!="OK"')})`,
            legend: '{{vendor}} {{outcome}}',
          },
        ],
      },
      {
        title: 'Vendor call latency by vendor',
        description: 'Vendor HTTP call latency p50, p95, p99 by vendor.',
        unit: 's',
        queries: quantiles('vendor_call_duration_seconds', 'vendor'),
      },
      {
        title: 'Vendor token renewals',
        description:
          'Vendor access tokens fetched or renewed (Feyin, APIUSB), per interval. A steady climb means tokens are being revoked.',
        unit: 'short',
        width: 6,
        queries: [
          {
            expr: `sum by (vendor) (increase(vendor_token_renewals_total{${SELECTOR}}[$__rate_interval]))`,
            legend: '{{vendor}}',
          },
        ],
      },
      {
        title: 'Vendor token renewal failures',
        description: `${FAILURE_ONLY} Token fetches the vendor refused (our credentials) or that could not reach it, per interval. Calls to that vendor fail meanwhile.`,
        unit: 'short',
        width: 6,
        queries: [
          {
            expr: `sum by (vendor) (increase(vendor_token_renewal_failures_total{${SELECTOR}}[$__rate_interval])) > 0`,
            legend: '{{vendor}}',
          },
        ],
      },
      {
        title: "Calls waiting for a merchant's share",
        description:
          "Vendor calls waiting for their merchant's share of the vendor (MERCHANT_VENDOR_CONCURRENCY), by vendor: one merchant's backlog, not a slow vendor.",
        unit: 'short',
        queries: [{ expr: `sum by (vendor) (${gauge('vendor_calls_waiting')})`, legend: '{{vendor}}' }],
      },
    ],
  },
  {
    title: 'Fiscal outbox',
    panels: [
      {
        title: 'Outbox documents by status',
        description:
          'Fiscal documents (X-reports) in the outbox by status. Read from the shared database: every replica reports the same numbers, so this takes the max, not the sum.',
        unit: 'short',
        queries: [{ expr: `max by (status) (${gauge('fiscal_outbox_documents')})`, legend: '{{status}}' }],
      },
      {
        title: 'Fiscal documents failed',
        description: `${FAILURE_ONLY} Fiscal documents that ended FAILED (refused by LifePay, or retried past LIFEPAY_RETRY_MAX_AGE), per interval, by error code.`,
        unit: 'short',
        queries: [
          {
            expr: `sum by (code) (increase(fiscal_documents_failed_total{${SELECTOR}}[$__rate_interval])) > 0`,
            legend: '{{code}}',
          },
        ],
      },
      {
        title: 'Due documents',
        description: 'Fiscal documents whose next attempt is due now (shared database: max over replicas). Should return to 0 quickly.',
        unit: 'short',
        queries: [{ expr: `max(${gauge('fiscal_outbox_due_documents')})`, legend: 'due' }],
      },
      {
        title: 'Oldest due document age',
        description:
          'How long the oldest due fiscal document has waited for its attempt (0 when none is due). Growing: no replica is delivering.',
        unit: 's',
        queries: [{ expr: `max(${gauge('fiscal_outbox_oldest_due_age_seconds')})`, legend: 'oldest due' }],
      },
    ],
  },
  {
    title: 'Callbacks',
    panels: [
      {
        title: 'Vendor callbacks by vendor and outcome',
        description: 'Vendor callbacks received per second (Feyin, LifePay), by vendor and outcome (accepted, or why refused).',
        unit: 'reqps',
        queries: [{ expr: `sum by (vendor, outcome) (${rate('vendor_callbacks_total')})`, legend: '{{vendor}} {{outcome}}' }],
      },
      {
        title: 'Refused vendor callbacks',
        description: `${FAILURE_ONLY} Vendor callbacks refused per second, by vendor and reason. bad_secret, missing_secret, no_key and stale mean forgery or a key mismatch.`,
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (vendor, outcome) (${rate('vendor_callbacks_total', ', outcome!="accepted"')})`,
            legend: '{{vendor}} {{outcome}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Subscriptions',
    panels: [
      {
        title: 'Open subscriptions vs limit',
        description:
          'Open subscriptions per replica by transport (graphql-ws, callback), and the per-replica limit SUBSCRIPTIONS_MAX (dashed): past it, new subscriptions are refused.',
        unit: 'short',
        limits: ['B'],
        queries: [
          { expr: `sum by (instance, transport) (${gauge('graphql_subscriptions_open')})`, legend: '{{instance}} {{transport}}' },
          { expr: `max by (instance) (${gauge('graphql_subscriptions_max')})`, legend: '{{instance}} limit' },
        ],
      },
      {
        title: 'Subscription events by transport',
        description: 'Subscription events sent per second, by transport (graphql-ws, callback).',
        unit: 'ops',
        queries: [{ expr: `sum by (transport) (${rate('graphql_subscription_events_total')})`, legend: '{{transport}}' }],
      },
      {
        title: 'WebSockets open vs limit',
        description:
          'Open WebSockets on /graphql per replica, pending (no connection_init accepted yet) or initialised, and WS_CONNECTIONS_MAX (dashed); pending sockets may take a quarter of it. Past either, upgrades are answered 503.',
        unit: 'short',
        limits: ['B'],
        queries: [
          { expr: `sum by (instance, state) (${gauge('graphql_ws_connections')})`, legend: '{{instance}} {{state}}' },
          { expr: `max by (instance) (${gauge('graphql_ws_connections_max')})`, legend: '{{instance}} limit' },
        ],
      },
      {
        title: 'Connections refused',
        description: `${FAILURE_ONLY} WebSocket upgrades answered 503 per second by reason (connections_max, pending_max: a flood of sockets that never authenticate), and TCP connections dropped at accept (http) because the replica held its most.`,
        unit: 'ops',
        queries: [
          { expr: `sum by (reason) (${rate('graphql_ws_connections_refused_total')}) > 0`, legend: 'ws {{reason}}' },
          { expr: `sum(${rate('http_connections_refused_total')}) > 0`, legend: 'http' },
        ],
      },
      {
        title: 'Feyin polling',
        description:
          'With FEYIN_POLL_INTERVAL: watched Feyin messages and printers polled by the replica holding the poll lease (0 on the others), and polled states per second by outcome (changed = announced, unchanged, failed).',
        unit: 'short',
        queries: [
          { expr: `max(${gauge('feyin_polled_keys')})`, legend: 'keys polled' },
          { expr: `sum by (outcome) (${rate('feyin_poll_reads_total')})`, legend: 'reads/s {{outcome}}' },
        ],
      },
    ],
  },
  {
    title: 'Process',
    panels: [
      {
        title: 'CPU',
        description: 'CPU used per replica, as a share of one core (user and system).',
        unit: 'percentunit',
        width: 8,
        queries: [{ expr: `sum by (instance) (${rate('process_cpu_seconds_total')})`, legend: '{{instance}}' }],
      },
      {
        title: 'Memory: RSS vs limit',
        description: "Resident memory per replica, and the memory it may use (dashed): the container's limit, else the machine's memory.",
        unit: 'bytes',
        width: 8,
        limits: ['B'],
        queries: [
          { expr: gauge('process_resident_memory_bytes'), legend: '{{instance}} RSS' },
          { expr: gauge('process_memory_limit_bytes'), legend: '{{instance}} limit' },
        ],
      },
      {
        title: 'V8 heap: used vs limit',
        description:
          "V8 heap used per replica, and V8's heap limit (dashed; the start command's --max-old-space-size plus the young generation).",
        unit: 'bytes',
        width: 8,
        limits: ['B'],
        queries: [
          { expr: gauge('nodejs_heap_size_used_bytes'), legend: '{{instance}} used' },
          { expr: gauge('nodejs_heap_size_limit_bytes'), legend: '{{instance}} limit' },
        ],
      },
      {
        title: 'Event-loop lag',
        description: 'Event-loop lag p50 and p99 per replica: how late timers and I/O callbacks run. High lag delays every request.',
        unit: 's',
        width: 8,
        queries: [
          { expr: gauge('nodejs_eventloop_lag_p50_seconds'), legend: '{{instance}} p50' },
          { expr: gauge('nodejs_eventloop_lag_p99_seconds'), legend: '{{instance}} p99' },
        ],
      },
      {
        title: 'Garbage collection by kind',
        description: 'Share of time spent in garbage collection per replica, by GC kind (minor, major, incremental, weakcb).',
        unit: 'percentunit',
        width: 8,
        queries: [{ expr: `sum by (instance, kind) (${rate('nodejs_gc_duration_seconds_sum')})`, legend: '{{instance}} {{kind}}' }],
      },
      {
        title: 'Open file descriptors vs limit',
        description: 'Open file descriptors (sockets included) per replica, and the process limit (dashed).',
        unit: 'short',
        width: 8,
        limits: ['B'],
        queries: [
          { expr: gauge('process_open_fds'), legend: '{{instance}} open' },
          { expr: gauge('process_max_fds'), legend: '{{instance}} limit' },
        ],
      },
      {
        title: 'Database pool connections',
        description: `${POSTGRES_ONLY} PostgreSQL connections per replica: in use, idle, and requests waiting for one (waiting > 0: DATABASE_POOL_SIZE is too small or the database is slow).`,
        unit: 'short',
        width: 24,
        queries: [{ expr: `sum by (instance, state) (${gauge('database_pool_connections')})`, legend: '{{instance}} {{state}}' }],
      },
    ],
  },
];

const limitOverride = (refId: string) => ({
  matcher: { id: 'byFrameRefID', options: refId },
  properties: [
    { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
    { id: 'custom.fillOpacity', value: 0 },
  ],
});

function panelJson(panel: Panel, id: number, gridPos: { h: number; w: number; x: number; y: number }) {
  const kind = panel.kind ?? 'timeseries';
  const targets = panel.queries.map((query, index) => ({
    datasource: DATASOURCE,
    editorMode: 'code',
    expr: query.expr,
    legendFormat: query.legend,
    range: true,
    refId: String.fromCharCode(65 + index),
  }));
  const common = { id, type: kind, title: panel.title, description: panel.description, datasource: DATASOURCE, gridPos, targets };
  if (kind === 'stat') {
    return {
      ...common,
      fieldConfig: { defaults: { unit: panel.unit, color: { mode: 'thresholds' }, thresholds: THRESHOLDS }, overrides: [] },
      options: {
        colorMode: 'value',
        graphMode: 'area',
        justifyMode: 'auto',
        orientation: 'auto',
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        textMode: 'value_and_name',
      },
    };
  }
  return {
    ...common,
    fieldConfig: {
      defaults: {
        unit: panel.unit,
        min: 0,
        color: { mode: 'palette-classic' },
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false },
      },
      overrides: (panel.limits ?? []).map(limitOverride),
    },
    options: {
      legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['mean', 'max'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}
const THRESHOLDS = { mode: 'absolute', steps: [{ color: 'green', value: null }] };

function panelsJson(): unknown[] {
  const out: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    out.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    for (const panel of row.panels) {
      const w = panel.width ?? 12;
      if (x + w > 24) {
        x = 0;
        y += 8;
      }
      out.push(panelJson(panel, id++, { h: 8, w, x, y }));
      x += w;
    }
    y += 8;
  }
  return out;
}

const queryVariable = (name: string, label: string, query: string, options: { all: boolean; multi: boolean }) => ({
  name,
  label,
  type: 'query',
  datasource: DATASOURCE,
  definition: query,
  query,
  refresh: 2,
  sort: 1,
  regex: '',
  hide: 0,
  multi: options.multi,
  includeAll: options.all,
  ...(options.all
    ? { allValue: '.*', current: options.multi ? { text: ['All'], value: ['$__all'] } : { text: 'All', value: '$__all' } }
    : { current: {} }),
  options: [],
});

/** The dashboard, as Grafana's "Import dashboard" takes it. */
export function vendorOperationsDashboard() {
  return {
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
      { type: 'panel', id: 'stat', name: 'Stat', version: '' },
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description:
      'GraphQL operations, vendor calls, the fiscal outbox, callbacks, subscriptions and the Node process of the vendor-operations subgraph. Panels whose description starts with "Shows only failures" are empty while all is well.',
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [],
    panels: panelsJson(),
    refresh: '30s',
    schemaVersion: 39,
    tags: ['vendor-operations-subgraph', 'graphql'],
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          includeAll: false,
          multi: false,
          options: [],
          refresh: 1,
          regex: '',
        },
        // A plain Prometheus has no namespace label: "All" (.*) matches series without one too.
        queryVariable('namespace', 'Namespace', `label_values(${IDENTITY_METRIC}, namespace)`, { all: true, multi: false }),
        queryVariable('job', 'Job', `label_values(${IDENTITY_METRIC}{namespace=~"$namespace"}, job)`, { all: false, multi: false }),
        queryVariable('instance', 'Instance', `label_values(${IDENTITY_METRIC}{job=~"$job", namespace=~"$namespace"}, instance)`, {
          all: true,
          multi: true,
        }),
      ],
    },
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: '',
    title: 'Vendor operations subgraph',
    uid: 'vendor-operations-subgraph',
    version: 1,
    weekStart: '',
  };
}

/** The file's text: the dashboard as JSON, formatted as `prettier` formats the repository. */
export async function dashboardText(): Promise<string> {
  const options = (await prettier.resolveConfig(DASHBOARD_FILE)) ?? {};
  return prettier.format(JSON.stringify(vendorOperationsDashboard()), { ...options, parser: 'json' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DASHBOARD_FILE, await dashboardText());
  console.log(`${DASHBOARD_FILE} written`);
}

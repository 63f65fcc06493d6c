// The Grafana dashboard and the alert rules, checked the way an operator meets them: a real
// Prometheus (Debian's 2.42) scrapes the real service (sandbox mode: built-in vendor simulators,
// on PostgreSQL so that the pool metric exists), traffic goes through every domain, and then every
// panel query, variable query and rule expression is run through Prometheus's HTTP API.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { DASHBOARD_FILE, FAILURE_ONLY, SELECTOR, dashboardText, vendorOperationsDashboard } from '../../scripts/dashboard.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { startPrometheus, type QueryAnswer, type RunningPrometheus, type Sample } from '../helpers/prometheus.js';
import { exportedMetrics, unknownMetrics, vectorSelectors, type ExportedMetrics } from '../helpers/promql.js';
import { subscriber } from '../helpers/subscriber.js';

/** The scrape job's name: what the ServiceMonitor makes it in Kubernetes, and what the rules select. */
const JOB = 'vendor-operations-subgraph';
const RULES_FOLDER = 'deploy/prometheus';

interface Target {
  expr: string;
  refId: string;
}
interface DashboardPanel {
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query: unknown;
}
const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: Variable[] };
};
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
const failureOnly = (panel: DashboardPanel) => panel.description?.startsWith(FAILURE_ONLY) ?? false;

/** Grafana's variables as an instant query sees them: the "All" values, our job, Grafana's intervals. */
const GRAFANA_VALUES: Record<string, string> = {
  job: JOB,
  namespace: '.*',
  instance: '.*',
  __rate_interval: '1m',
  __interval: '15s',
  __range: '5m',
};
function withGrafanaValues(expr: string): string {
  return expr.replace(/\$\{(\w+)\}|\$([A-Za-z_]\w*)/g, (whole, braced?: string, bare?: string) => {
    const value = GRAFANA_VALUES[(braced ?? bare)!];
    if (value === undefined) throw new Error(`unknown Grafana variable ${whole} in ${expr}`);
    return value;
  });
}

/** Rule files of the repository (alerts.yaml once it exists); promtool's unit-test files are not rule files. */
function repositoryRuleFiles(): string[] {
  if (!existsSync(RULES_FOLDER)) return [];
  return readdirSync(RULES_FOLDER)
    .filter((name) => /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name))
    .map((name) => resolve(RULES_FOLDER, name))
    .filter((file) => /^groups:/m.test(readFileSync(file, 'utf8')));
}

/**
 * Rules of the test's own, beside the repository's, so that the rule path (loading, recording
 * rule names as known metrics, evaluation) is exercised even before deploy/prometheus exists.
 */
const PLUMBING_RULES = {
  groups: [
    {
      name: 'prometheus-live-test-plumbing',
      rules: [
        { record: 'job:graphql_operations:rate1m', expr: 'sum by (job) (rate(graphql_operations_total[1m]))' },
        { alert: 'PrometheusLiveTestPlumbing', expr: 'job:graphql_operations:rate1m < 0' },
      ],
    },
  ],
};

const isFinite = (sample: Sample) => Number.isFinite(Number(sample.value[1]));
const samples = (answer: QueryAnswer): Sample[] =>
  answer.status === 'success' && answer.data.resultType === 'vector' ? (answer.data.result as Sample[]) : [];

describe('the Grafana dashboard and the alert rules against a real Prometheus scraping the real service', () => {
  let folder = '';
  let database: TestDatabase | undefined;
  let service: ChildService | undefined;
  let prometheus: RunningPrometheus | undefined;
  let exported: ExportedMetrics = new Map();
  let instance = '';

  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${service!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, any> | null; errors?: Array<{ extensions?: { code?: string } }> };
  };
  const code = (answer: { errors?: Array<{ extensions?: { code?: string } }> }) => answer.errors?.[0]?.extensions?.code;
  const feyinCallback = (body: string) =>
    fetch(`${service!.url}/callbacks/feyin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
      (response) => response.status,
    );
  const metricsText = async () => (await fetch(`${service!.url}/metrics`)).text();
  const operationsCounted = (text: string) =>
    [...text.matchAll(/^graphql_operations_total\{[^}]*\} (\S+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  const lastScrapeAt = async () => Number(samples(await prometheus!.query(`timestamp(up{job="${JOB}"})`))[0]?.value[1] ?? 0);
  /** Until Prometheus has scraped everything the service counted so far (and `more` scrapes after that). */
  const scraped = async (more = 0) => {
    const counted = operationsCounted(await metricsText());
    await eventually(
      async () => {
        const [sample] = samples(await prometheus!.query(`sum(graphql_operations_total{job="${JOB}"})`));
        return sample !== undefined && Number(sample.value[1]) >= counted;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: `Prometheus to scrape ${counted} operations` },
    );
    const since = await lastScrapeAt();
    await eventually(async () => (await lastScrapeAt()) >= since + more - 0.5, { intervalMs: 250, what: `${more} more scrapes` });
  };

  const PRINTER_STATUS = 'query PrinterStatus($deviceNo: ID!) { printer(deviceNo: $deviceNo) { deviceNo status } }';
  const MESSAGE_STATUS = 'query PrintMessageStatus($msgNo: ID!) { printMessage(msgNo: $msgNo) { msgNo status } }';
  const PICKUP_CODES =
    'query PickupCodes($machineNo: ID!, $productId: ID!) { machine(machineNo: $machineNo) { pickupCodes(productId: $productId) { id status } } }';
  const CANCEL_MESSAGE = 'mutation CancelPrintMessage($msgNo: ID!) { cancelPrintMessage(msgNo: $msgNo) { cancelled message { status } } }';
  const CANCEL_CODES =
    'mutation CancelPickupCodes($machineNo: ID!, $pickupCodeId: ID) { cancelPickupCodes(machineNo: $machineNo, pickupCodeId: $pickupCodeId) { scope } }';
  const CANCEL_ORDER =
    'mutation CancelOrder($orderId: ID!, $taskId: ID!, $reason: String!) { cancelOrder(orderId: $orderId, taskId: $taskId, reason: $reason) { order { status } } }';
  const PRINT_X_REPORT = 'mutation PrintXReport($input: PrintXReportInput!) { printXReport(input: $input) { document { extId status } } }';
  const FISCAL_DOCUMENT = 'query FiscalDocument($extId: ID!) { fiscalDocument(extId: $extId) { status } }';

  /** Requests that can be repeated (reads, errors, an X-report with a new extId): the second wave moves every rate. */
  const repeatable = async (wave: number) => {
    expect((await graphql(PRINTER_STATUS, { deviceNo: '4600000000000001' })).data?.printer.status).toBeTruthy();
    expect((await graphql(PICKUP_CODES, { machineNo: '10000001', productId: '501' })).data?.machine.pickupCodes.length).toBeGreaterThan(0);
    expect(code(await graphql(CANCEL_MESSAGE, { msgNo: 'FY9999999999999999999999999999' }))).toBe('NOT_FOUND');
    expect((await graphql(MESSAGE_STATUS, { msgNo: 'FY0000000000000000000000000010' })).data?.printMessage.status).toBeTruthy();
    expect(code(await graphql(CANCEL_CODES, { machineNo: '123' }))).toBe('BAD_USER_INPUT');
    const extId = `dashboard-test-${wave}`;
    expect((await graphql(PRINT_X_REPORT, { input: { targetSerial: '00106304012797', extId } })).data).toBeTruthy();
    // The simulated LifePay calls the service back (vendor_callbacks_total) about 0.2 s later.
    await eventually(async () => (await graphql(FISCAL_DOCUMENT, { extId })).data?.fiscalDocument?.status === 'PROCESSED', {
      what: `X-report ${extId} PROCESSED`,
    });
    expect(await feyinCallback(JSON.stringify({ msg_type: 'heartbeat' }))).toBe(200);
    expect(await feyinCallback('not json')).toBe(400);
  };

  /** Requests that change the simulators' state (each seeded id is cancellable once) and a live subscription. */
  const once = async () => {
    const messages = subscriber(service!.url);
    try {
      const updates = messages.subscribe<{ printMessageUpdated: { status: string } }>(
        'subscription PrintMessageUpdated($msgNo: ID!) { printMessageUpdated(msgNo: $msgNo) { msgNo status } }',
        { msgNo: 'FY0000000000000000000000000002' },
      );
      await eventually(() => updates.events.length > 0, { what: 'the subscription’s first event' });
      expect((await graphql(CANCEL_MESSAGE, { msgNo: 'FY0000000000000000000000000002' })).data?.cancelPrintMessage.cancelled).toBe(true);
      expect(await updates.ended).toBe('complete');
      expect(updates.events.at(-1)?.printMessageUpdated.status).toMatch(/cancel/i);
    } finally {
      await messages.dispose();
    }
    expect((await graphql(CANCEL_MESSAGE, { msgNo: 'FY0000000000000000000000000001' })).data?.cancelPrintMessage.cancelled).toBe(true);
    expect((await graphql(CANCEL_CODES, { machineNo: '10000001', pickupCodeId: '1122223' })).data?.cancelPickupCodes.scope).toBe('ONE');
    const order = { orderId: '100012021107633', taskId: 'BAB7EDF04019A6C7876096B88B611769', reason: 'dashboard test' };
    expect((await graphql(CANCEL_ORDER, order)).data?.cancelOrder.order.status).toBe('CANCELLED');
    // A LifePay refusal: the document ends FAILED.
    expect(code(await graphql(PRINT_X_REPORT, { input: { targetSerial: '00106304012797', login: '79990000002' } }))).toBe(
      'FAILED_PRECONDITION',
    );
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'vendor-ops-prometheus-live-'));
    database = await freshDatabase();
    // A known port, not 0: the simulated LifePay calls the service back on it (with PORT=0 it cannot).
    const port = String(await freePort());
    service = await spawnService({
      VENDOR_MODE: 'sandbox',
      PORT: port,
      DATA_DIR: join(folder, 'data'),
      DATABASE_URL: database.url,
      // A small young generation: minor collections (the GC panel's series) happen within these few seconds, as under any real load.
      NODE_OPTIONS: '--max-semi-space-size=1',
    });
    instance = new URL(service.url).host;
    const plumbing = join(folder, 'plumbing-rules.yaml');
    writeFileSync(plumbing, JSON.stringify(PLUMBING_RULES));
    prometheus = await startPrometheus({ dir: folder, job: JOB, target: instance, ruleFiles: [...repositoryRuleFiles(), plumbing] });
    // Prometheus applies new targets every 5 s: the first wave of traffic goes meanwhile.
    await once();
    await repeatable(1);
    await eventually(async () => samples(await prometheus!.query(`up{job="${JOB}"} == 1`)).length === 1, {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: 'Prometheus to scrape the service',
    });
    await scraped();
    // The second wave moves every counter between two scrapes; then two more scrapes, as a rate needs two samples of a new series.
    await repeatable(2);
    await scraped(2);
    exported = exportedMetrics(await metricsText());
  }, 90_000);

  afterAll(async () => {
    // Every step runs, whichever failed before it; the first failure is reported.
    const failures: unknown[] = [];
    const step = async (run: () => unknown) => {
      try {
        await run();
      } catch (error) {
        failures.push(error);
      }
    };
    await step(() => prometheus?.stop());
    await step(async () => {
      if (!service) return;
      const late = setTimeout(() => void service?.kill9(), 12_000);
      await service.stop();
      clearTimeout(late);
    });
    await step(() => database?.drop());
    await step(() => folder && rmSync(folder, { recursive: true, force: true }));
    if (failures.length > 0) throw failures[0];
  }, 30_000);

  it('the committed dashboard is what scripts/dashboard.ts writes', async () => {
    expect(dashboard).toEqual(JSON.parse(JSON.stringify(vendorOperationsDashboard())));
    expect(readFileSync(DASHBOARD_FILE, 'utf8'), 'run: npm exec -- tsx scripts/dashboard.ts').toBe(await dashboardText());
    expect(dashboard.uid).toBe('vendor-operations-subgraph');
    expect(dashboard.title).toBe('Vendor operations subgraph');
  });

  it('every panel reads ${datasource}, has a description and a unit, and every selector filters job, namespace and instance', () => {
    expect(panels.length).toBeGreaterThanOrEqual(20);
    expect(dashboard.templating.list.map((variable) => [variable.name, variable.type])).toEqual([
      ['datasource', 'datasource'],
      ['namespace', 'query'],
      ['job', 'query'],
      ['instance', 'query'],
    ]);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.description?.length, panel.title).toBeGreaterThan(20);
      expect(panel.fieldConfig?.defaults?.unit, panel.title).toMatch(/^[a-z]+$/);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) {
        const selectors = vectorSelectors(target.expr);
        expect(selectors.length, target.expr).toBeGreaterThan(0);
        for (const selector of selectors) expect(selector.matchers, `${panel.title}: ${target.expr}`).toContain(SELECTOR);
      }
    }
  });

  it('the metric-name check reads PromQL and rejects a name the service does not export', async () => {
    const expr = 'sum by (le, vendor) (rate(vendor_call_duration_seconds_bucket{job=~"a|b", le!="+Inf"}[5m] offset 1m))';
    expect(vectorSelectors(expr)).toEqual([{ metric: 'vendor_call_duration_seconds_bucket', matchers: 'job=~"a|b", le!="+Inf"' }]);
    expect(
      vectorSelectors(
        'max without (instance) (a) / on (job) group_left (code) count(b{x="}"}) and bool c unless label_replace(d, "dst", "$1", "src", "(.*)") > 1e-3',
      ).map((selector) => selector.metric),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(unknownMetrics(expr, exported)).toEqual([]);
    expect(unknownMetrics('up == 0 or job:graphql_operations:rate1m', exported, ['up', 'job:graphql_operations:rate1m'])).toEqual([]);

    // A renamed metric: Prometheus evaluates it happily (an empty result), so only the name check catches it.
    const renamed = `sum(rate(graphql_operation_total{job="${JOB}"}[1m]))`;
    const answer = await prometheus!.query(renamed);
    expect(answer.status).toBe('success');
    expect(samples(answer)).toEqual([]);
    expect(unknownMetrics(renamed, exported, ['up'])).toEqual(['graphql_operation_total']);
    // A counter read as if it were a histogram, and a histogram's base name alone.
    expect(unknownMetrics('rate(vendor_calls_total_bucket[1m])', exported)).toEqual(['vendor_calls_total_bucket']);
    expect(unknownMetrics('vendor_call_duration_seconds', exported)).toEqual([]);
    expect(unknownMetrics('vendor_call_duration', exported)).toEqual(['vendor_call_duration']);
  });

  it('every panel query and variable query evaluates in Prometheus and reads only metrics the service exports', async () => {
    expect(exported.size).toBeGreaterThan(30);
    for (const panel of panels) {
      for (const target of panel.targets!) {
        const expr = withGrafanaValues(target.expr);
        const answer = await prometheus!.query(expr);
        expect(answer, `${panel.title}: ${expr}`).toMatchObject({ status: 'success', data: { resultType: 'vector' } });
        expect(unknownMetrics(expr, exported, ['up']), `${panel.title}: ${expr}`).toEqual([]);
      }
    }
    // label_values(<selector>, <label>): the selector must find this service's series, labelled as the variable needs.
    for (const variable of dashboard.templating.list.filter((candidate) => candidate.type === 'query')) {
      const match = /^label_values\((.+),\s*(\w+)\)$/.exec(String(variable.query));
      expect(match, variable.name).not.toBeNull();
      const expr = withGrafanaValues(match![1]!);
      expect(unknownMetrics(expr, exported), variable.name).toEqual([]);
      const found = samples(await prometheus!.query(expr));
      expect(found.length, variable.name).toBeGreaterThan(0);
      // A plain Prometheus has no namespace label: that variable stays at "All" (.*).
      if (variable.name === 'job') expect(found.map((sample) => sample.metric.job)).toContain(JOB);
      if (variable.name === 'instance') expect(found.map((sample) => sample.metric.instance)).toContain(instance);
    }
  });

  it('every panel not marked failure-only shows data after the traffic', async () => {
    // The database pool panel is PostgreSQL-only; this test runs the service on PostgreSQL, so it is checked too.
    const shown = panels.filter((panel) => !failureOnly(panel));
    expect(shown.length).toBeGreaterThanOrEqual(15);
    expect(panels.length - shown.length).toBeGreaterThanOrEqual(4);
    const empty: string[] = [];
    for (const panel of shown) {
      let data = false;
      for (const target of panel.targets!) data ||= samples(await prometheus!.query(withGrafanaValues(target.expr))).some(isFinite);
      if (!data) empty.push(panel.title);
    }
    expect(empty).toEqual([]);
  });

  it('every rule in deploy/prometheus loads, evaluates healthy and reads only exported metrics or recording rules', async () => {
    const rules = await eventually(
      async () => {
        const loaded = await prometheus!.rules();
        return loaded.every((rule) => !rule.lastEvaluation.startsWith('0001-')) && loaded;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: 'every rule evaluated once' },
    );
    // The repository's rules (none before deploy/prometheus/alerts.yaml exists) and the two plumbing rules.
    expect(rules.length).toBeGreaterThanOrEqual(2);
    const recorded = rules.filter((rule) => rule.type === 'recording').map((rule) => rule.name);
    for (const rule of rules) {
      expect({ rule: rule.name, health: rule.health, lastError: rule.lastError ?? '' }).toEqual({
        rule: rule.name,
        health: 'ok',
        lastError: '',
      });
      const answer = await prometheus!.query(rule.query);
      expect(answer.status, `${rule.name}: ${rule.query}`).toBe('success');
      expect(unknownMetrics(rule.query, exported, ['up', ...recorded]), `${rule.name}: ${rule.query}`).toEqual([]);
    }
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const RULES = 'deploy/prometheus/alerts.yaml';
const RULE_TESTS = 'deploy/prometheus/alerts.test.yaml';
const PROMETHEUS_RULE = 'deploy/kubernetes/prometheus-rule.yaml';
const RUNBOOKS = 'docs/runbooks.md';
const RUNBOOK_BASE = 'https://github.com/your-org/vendor-operations-subgraph/blob/main/docs/runbooks.md#';
const JOB = 'job="vendor-operations-subgraph"';
/** Time for a first download of Debian's prometheus package plus a few promtool runs on a busy machine. */
const PROMTOOL_TIMEOUT = 180_000;

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroup {
  name: string;
  rules: Rule[];
}
interface RuleTests {
  rule_files: string[];
  tests: {
    name: string;
    interval?: string;
    alert_rule_test?: { alertname: string; eval_time: string; exp_alerts?: unknown[] }[];
    promql_expr_test?: { expr: string }[];
  }[];
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const groups = (parse(read(RULES)) as { groups: RuleGroup[] }).groups;
const rules = groups.flatMap((group) => group.rules);
const alerts = rules.filter((rule): rule is Rule & { alert: string } => rule.alert !== undefined);
const records = rules.filter((rule) => rule.record !== undefined).map((rule) => rule.record!);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The runbook's `## ` sections: heading and body up to the next heading of that level. */
function runbookSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = markdown.split(/^## /m).slice(1);
  for (const part of parts) {
    const newline = part.indexOf('\n');
    sections.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return sections;
}

let promtool: string;
const temporary = mkdtempSync(join(tmpdir(), 'prometheus-rules-'));

function runPromtool(args: string[], cwd = ROOT): { status: number | null; output: string } {
  const result = spawnSync(promtool, args, { cwd, encoding: 'utf8', timeout: PROMTOOL_TIMEOUT });
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error ? String(result.error) : ''}` };
}

beforeAll(() => {
  // Prints progress on stderr and the folder holding promtool as its last stdout line.
  const out = execFileSync('bash', [join(ROOT, 'scripts/prometheus-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  promtool = join(out.trim().split('\n').at(-1)!, 'promtool');
}, PROMTOOL_TIMEOUT);

afterAll(() => rmSync(temporary, { recursive: true, force: true }));

describe('the Prometheus rules (deploy/prometheus/alerts.yaml)', () => {
  it(
    'pass `promtool check rules`',
    () => {
      const { status, output } = runPromtool(['check', 'rules', '--lint=all', '--lint-fatal', RULES]);
      expect(status, output).toBe(0);
    },
    PROMTOOL_TIMEOUT,
  );

  it(
    'pass their unit tests (`promtool test rules`)',
    () => {
      const { status, output } = runPromtool(['test', 'rules', RULE_TESTS]);
      expect(status, output).toBe(0);
      expect(output).toContain('SUCCESS');
    },
    PROMTOOL_TIMEOUT,
  );

  it(
    'have unit tests that catch a broken rule: the outbox age summed over replicas instead of max',
    () => {
      // Every replica reports the shared database's age; a sum would claim twice the wait.
      const broken = read(RULES).replaceAll(
        'max by (namespace, job) (fiscal_outbox_oldest_due_age_seconds',
        'sum by (namespace, job) (fiscal_outbox_oldest_due_age_seconds',
      );
      expect(broken).not.toBe(read(RULES));
      writeFileSync(join(temporary, 'alerts.yaml'), broken);
      // Only the outbox's tests: the whole file would take a while longer to say the same.
      const suite = parse(read(RULE_TESTS)) as RuleTests;
      const outbox = suite.tests.filter((test) =>
        test.alert_rule_test?.some((case_) => case_.alertname === 'VendorOpsOutboxNotDelivering'),
      );
      expect(outbox.length).toBeGreaterThan(0);
      writeFileSync(join(temporary, 'outbox.test.yaml'), stringify({ ...suite, tests: outbox }));
      const { status, output } = runPromtool(['test', 'rules', 'outbox.test.yaml'], temporary);
      expect(status, output).not.toBe(0);
      expect(output).toContain('alertname: VendorOpsOutboxNotDelivering');
    },
    PROMTOOL_TIMEOUT,
  );

  it('select the service job in every rule and name every alert VendorOps…', () => {
    expect(alerts.length).toBeGreaterThan(15);
    for (const rule of rules) expect(rule.expr, rule.alert ?? rule.record).toContain(JOB);
    for (const { alert } of alerts) expect(alert).toMatch(/^VendorOps[A-Z][A-Za-z]+$/);
    expect(new Set(alerts.map((rule) => rule.alert)).size).toBe(alerts.length);
  });

  it('give every alert a severity, a summary, a description and a runbook URL', () => {
    for (const { alert, labels, annotations } of alerts) {
      expect(['page', 'ticket', 'info'], alert).toContain(labels?.severity);
      expect(annotations?.summary?.trim(), alert).toBeTruthy();
      expect(annotations?.description?.trim(), alert).toBeTruthy();
      expect(annotations?.runbook_url, alert).toBe(`${RUNBOOK_BASE}${alert.toLowerCase()}`);
    }
  });

  it('record the SLO error ratio over 5m, 30m, 1h, 6h and 3d', () => {
    expect(records).toEqual(['5m', '30m', '1h', '6h', '3d'].map((window) => `slo:graphql_errors:ratio_rate${window}`));
  });
});

describe('the runbooks (docs/runbooks.md)', () => {
  const sections = runbookSections(read(RUNBOOKS));
  const anchors = new Set([...sections.keys()].map(githubAnchor));

  it("has the section each alert's runbook_url points at", () => {
    for (const { alert, annotations } of alerts) {
      const anchor = annotations!.runbook_url!.slice(RUNBOOK_BASE.length);
      expect(anchors, alert).toContain(anchor);
    }
  });

  it('has one section per alert and none for an alert that does not exist', () => {
    const alertSections = [...sections.keys()].filter((heading) => heading.startsWith('VendorOps'));
    expect(alertSections.sort()).toEqual(alerts.map((rule) => rule.alert).sort());
  });

  it('says in each alert section what it means, how to confirm it and what to do', () => {
    for (const { alert } of alerts) {
      const body = sections.get(alert) ?? '';
      for (const part of ['**Means.**', '**Confirm.**', '**Do.**']) expect(body, `${alert}: ${part}`).toContain(part);
    }
  });

  it('states the objective and points at the dashboard', () => {
    const intro = read(RUNBOOKS).split(/^## VendorOps/m)[0]!;
    expect(intro).toContain('99.9 %');
    expect(intro).toContain('deploy/grafana/vendor-operations-subgraph.json');
    for (const code of ['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'VENDOR_UNAVAILABLE', 'BAD_USER_INPUT'])
      expect(intro).toContain(code);
  });
});

describe('the unit tests (deploy/prometheus/alerts.test.yaml)', () => {
  const suite = parse(read(RULE_TESTS)) as RuleTests;

  it('load the one rule file', () => {
    expect(suite.rule_files).toEqual(['alerts.yaml']);
  });

  it('show every alert firing', () => {
    const fired = new Set(
      suite.tests.flatMap((test) =>
        (test.alert_rule_test ?? []).filter((case_) => (case_.exp_alerts ?? []).length > 0).map((case_) => case_.alertname),
      ),
    );
    expect(alerts.map((rule) => rule.alert).filter((alert) => !fired.has(alert))).toEqual([]);
  });

  it('show every alert silent at some time too', () => {
    const silent = new Set(
      suite.tests.flatMap((test) =>
        (test.alert_rule_test ?? []).filter((case_) => (case_.exp_alerts ?? []).length === 0).map((case_) => case_.alertname),
      ),
    );
    expect(alerts.map((rule) => rule.alert).filter((alert) => !silent.has(alert))).toEqual([]);
  });

  it('check the value of every SLO recording rule', () => {
    const exprs = suite.tests.flatMap((test) => (test.promql_expr_test ?? []).map((case_) => case_.expr));
    for (const record of records)
      expect(
        exprs.some((expr) => expr.includes(record)),
        record,
      ).toBe(true);
  });
});

describe('the PrometheusRule (deploy/kubernetes/prometheus-rule.yaml)', () => {
  const text = read(PROMETHEUS_RULE);
  const rule = parse(text) as {
    apiVersion: string;
    kind: string;
    metadata: { name: string; labels: Record<string, string> };
    spec: { groups: RuleGroup[] };
  };

  it('is what `npm run deploy:rules` writes from alerts.yaml (edit the rules there, then run it)', () => {
    const generated = execFileSync(process.execPath, [join(ROOT, 'scripts/prometheus-rule.mjs'), '--stdout'], { encoding: 'utf8' });
    expect(text).toBe(generated);
    expect(text).toMatch(/^# Generated from deploy\/prometheus\/alerts\.yaml by `npm run deploy:rules`/);
  });

  it('holds exactly the groups of alerts.yaml, under the service name and label', () => {
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata).toEqual({
      name: 'vendor-operations-subgraph',
      labels: { 'app.kubernetes.io/name': 'vendor-operations-subgraph' },
    });
    expect(rule.spec.groups).toEqual(groups);
  });

  it(
    'has a spec that `promtool check rules` accepts',
    () => {
      const file = join(temporary, 'prometheus-rule-spec.yaml');
      writeFileSync(file, stringify({ groups: rule.spec.groups }));
      const { status, output } = runPromtool(['check', 'rules', file]);
      expect(status, output).toBe(0);
      expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
    },
    PROMTOOL_TIMEOUT,
  );
});

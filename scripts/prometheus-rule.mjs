// Writes deploy/kubernetes/prometheus-rule.yaml: a PrometheusRule (Prometheus Operator) whose
// spec.groups are deploy/prometheus/alerts.yaml's groups, the one source of the rules.
//   npm run deploy:rules        rewrite the file
//   node scripts/prometheus-rule.mjs --stdout   print it instead (the test compares the two)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, parseDocument } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = 'deploy/prometheus/alerts.yaml';
const target = 'deploy/kubernetes/prometheus-rule.yaml';
const NAME = 'vendor-operations-subgraph';

/** The PrometheusRule's text for the rule file's text. */
function prometheusRule(rulesText) {
  const rules = parseDocument(rulesText);
  if (rules.errors.length > 0) throw new Error(`${source}: ${rules.errors.map((error) => error.message).join('; ')}`);
  // The groups node itself, not a plain copy: its comments and block scalars (the exprs) come along.
  const groups = rules.get('groups', true);
  if (!groups) throw new Error(`${source} has no groups`);
  const rule = new Document({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: NAME, labels: { 'app.kubernetes.io/name': NAME } },
    spec: {},
  });
  rule.setIn(['spec', 'groups'], groups);
  rule.commentBefore = ` Generated from ${source} by \`npm run deploy:rules\` (scripts/prometheus-rule.mjs): do not edit.`;
  // lineWidth 0: no folding of long strings, so the text reads like the source.
  return rule.toString({ lineWidth: 0 });
}

const text = prometheusRule(readFileSync(join(root, source), 'utf8'));
if (process.argv.includes('--stdout')) process.stdout.write(text);
else {
  writeFileSync(join(root, target), text);
  console.log(`wrote ${target}`);
}

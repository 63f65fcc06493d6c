import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../scripts/free-port.js';
import { eventually } from './eventually.js';

/** One sample of an instant query's vector result. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
export type QueryAnswer =
  | { status: 'success'; data: { resultType: string; result: Sample[] | [number, string] } }
  | { status: 'error'; errorType: string; error: string };

export interface PrometheusRule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
  lastEvaluation: string;
}

export interface RunningPrometheus {
  url: string;
  output: string[];
  query(expr: string): Promise<QueryAnswer>;
  /** Every rule Prometheus loaded from its rule files, with its last evaluation's health. */
  rules(): Promise<PrometheusRule[]>;
  stop(): Promise<void>;
}

/** The folder holding Debian's prometheus and promtool (downloaded and unpacked on first use). */
export function prometheusBin(): string {
  return execFileSync('bash', ['scripts/prometheus-tools.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/**
 * A real Prometheus scraping `target` (host:port) every second as job `job`, evaluating
 * `ruleFiles` every second, with its config and TSDB in `dir` (a temporary folder).
 */
export async function startPrometheus(options: {
  dir: string;
  job: string;
  target: string;
  ruleFiles: string[];
}): Promise<RunningPrometheus> {
  const config = join(options.dir, 'prometheus.yml');
  // JSON is YAML: no YAML writer needed.
  writeFileSync(
    config,
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: options.ruleFiles,
      scrape_configs: [{ job_name: options.job, static_configs: [{ targets: [options.target] }] }],
    }),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(prometheusBin(), 'prometheus'),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(options.dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${output.join('')}`);
        return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `prometheus ready at ${url}` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    output,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr }),
      });
      return (await response.json()) as QueryAnswer;
    },
    async rules() {
      const answer = (await (await fetch(`${url}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: PrometheusRule[] }> };
      };
      return answer.data.groups.flatMap((group) => group.rules);
    },
    stop,
  };
}

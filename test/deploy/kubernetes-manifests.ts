import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';

/** The kustomize base, and the repository around it. */
export const ROOT = resolve(import.meta.dirname, '../..');
export const BASE = join(ROOT, 'deploy/kubernetes');

export interface Kustomization {
  apiVersion: string;
  kind: string;
  namespace?: string;
  resources: string[];
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }>;
  commonLabels?: Record<string, string>;
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
  configMapGenerator?: unknown[];
  secretGenerator?: unknown[];
}

/** One object of the base, as a file holds it. */
export interface Manifest {
  file: string;
  object: { apiVersion: string; kind: string; metadata?: { name?: string; labels?: Record<string, string> } };
}

export function readKustomization(): Kustomization {
  return parse(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8')) as Kustomization;
}

/**
 * Every document of every file kustomization.yaml lists (a missing file is the first test's to
 * report); a YAML error throws, naming the file.
 */
export function readBase(): Manifest[] {
  const listed = readKustomization().resources.filter((file) => existsSync(join(BASE, file)));
  return listed.flatMap((file) => {
    const documents = parseAllDocuments(readFileSync(join(BASE, file), 'utf8'));
    if (!Array.isArray(documents)) throw new Error(`${file}: not a YAML stream`);
    return documents.map((document, index) => {
      if (document.errors.length > 0)
        throw new Error(`${file}, document ${index + 1}: ${document.errors.map((e) => e.message).join('; ')}`);
      const object = document.toJS() as Manifest['object'] | null;
      if (!object || typeof object !== 'object') throw new Error(`${file}, document ${index + 1}: empty or not an object`);
      return { file, object };
    });
  });
}

/** The one object of `kind` in the base, typed as that kind. */
export function only<T>(manifests: Manifest[], kind: string): T {
  const found = manifests.filter((manifest) => manifest.object.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in the base, found ${found.length}`);
  return found[0]!.object as T;
}

/** The API versions the base may use, each with its generated models (OpenAPI schema validators). */
const MODELS: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'autoscaling/v2': autoscalingV2,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
  'monitoring.coreos.com/v1': monitoringV1,
};

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: unknown): { validate(): void };
}

/**
 * Checks an object against its kind's published schema: throws on a wrong type, a missing required
 * field or a bad enum value, and on a kind it has no model for. Like the API server's OpenAPI
 * schema, it accepts fields it does not know: the tests that read each field catch a misspelt one.
 */
export function validateObject(object: { apiVersion: string; kind: string }): void {
  const model = MODELS[object.apiVersion]?.[object.kind] as ModelClass | undefined;
  if (typeof model !== 'function' || model.apiVersion !== object.apiVersion || model.kind !== object.kind) {
    throw new Error(`no Kubernetes model for ${object.apiVersion} ${object.kind}`);
  }
  new model(object).validate();
}

const FACTORS: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

/** A Kubernetes quantity (`512Mi`, `250m`, `1`) as a number: bytes or cores. */
export function quantity(value: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) throw new Error(`not a Kubernetes quantity (or a suffix this test does not know): ${value}`);
  return Number(match[1]) * FACTORS[match[2] ?? '']!;
}

/** The Dockerfile's last stage: its CMD (exec form) and ENV settings. */
export function readImage(): { cmd: string[]; env: Record<string, string>; user?: string } {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM .*$/m);
  const last = stages[stages.length - 1]!;
  // Instructions start a line; HEALTHCHECK's own CMD is indented after a continuation.
  const cmds = [...last.matchAll(/^CMD (\[.*\])\s*$/gm)];
  if (cmds.length !== 1) throw new Error(`expected one exec-form CMD in the Dockerfile's last stage, found ${cmds.length}`);
  const env: Record<string, string> = {};
  for (const [, settings] of last.matchAll(/^ENV (.*)$/gm)) {
    for (const [, name, value] of settings!.matchAll(/(\w+)=(\S+)/g)) env[name!] = value!;
  }
  return { cmd: JSON.parse(cmds[0]![1]!) as string[], env, user: /^USER (\S+)/m.exec(last)?.[1] };
}

/** `NAME=value` lines, as `kubectl create secret --from-env-file` reads them (# lines and blank lines skipped). */
export function readEnvFile(path: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`${path}: not NAME=value: ${line}`);
    entries.set(line.slice(0, at), line.slice(at + 1));
  }
  return entries;
}

import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { parseMerchantsFile } from '../../src/merchants/merchants-file.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import {
  BASE,
  only,
  quantity,
  readBase,
  readEnvFile,
  readImage,
  readKustomization,
  validateObject,
  type Manifest,
} from './kubernetes-manifests.js';

const NAME = 'vendor-operations-subgraph';
const manifests: Manifest[] = readBase();
const kustomization = readKustomization();
const deployment = only<IDeployment>(manifests, 'Deployment');
const pod = deployment.spec!.template.spec!;
const container: IContainer = pod.containers.find((candidate) => candidate.name === NAME) ?? pod.containers[0]!;
const env = new Map((container.env ?? []).map((entry) => [entry.name, entry]));
const envValue = (name: string): string => {
  const value = env.get(name)?.value;
  if (value === undefined) throw new Error(`the container sets no value for ${name}`);
  return value;
};
const serviceManifest = only<IService>(manifests, 'Service');
const image = readImage();
const secretExample = readEnvFile(join(BASE, 'secret.example.env'));

/** Every `a: b` of `selector` is among `labels`. */
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  Object.keys(selector ?? {}).length > 0 && Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);

/** The variables loadConfig reads, recorded through a Proxy over `values` (which decide the conditional reads). */
function variablesReadByConfig(values: Record<string, string>): Set<string> {
  const reads = new Set<string>();
  const recorder = new Proxy(values, {
    get(target, name) {
      if (typeof name === 'string') reads.add(name);
      return typeof name === 'string' ? target[name] : undefined;
    },
  });
  try {
    loadConfig(recorder);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  return reads;
}

const readByConfig = variablesReadByConfig({ ...image.env, ...Object.fromEntries(secretExample) });
/** A name the service reads: loadConfig's, or the OpenTelemetry SDK's OTEL_*. */
const readByService = (name: string): boolean => readByConfig.has(name) || name.startsWith('OTEL_');

const looksSecret = (name: string): boolean => /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL/.test(name);

describe('the kustomize base', () => {
  it('lists each YAML file of the folder once, and only files that exist', () => {
    expect(kustomization.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    expect(kustomization.kind).toBe('Kustomization');
    expect(new Set(kustomization.resources).size).toBe(kustomization.resources.length);
    for (const file of kustomization.resources) expect(existsSync(join(BASE, file)), file).toBe(true);
    const yamlFiles = readdirSync(BASE).filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml');
    expect(kustomization.resources.toSorted()).toEqual(yamlFiles.toSorted());
    expect(kustomization.resources).not.toContain('secret.example.env');
  });

  it('validates every object against its Kubernetes API schema (a kind without a model fails)', () => {
    expect(manifests.map((manifest) => manifest.object.kind).toSorted()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'PrometheusRule',
        'Service',
        'ServiceMonitor',
      ].toSorted(),
    );
    for (const { file, object } of manifests) {
      expect(() => validateObject(object), `${file}: ${object.kind}`).not.toThrow();
    }
  });

  it('validation can fail: a wrong type, a missing required field, an unknown kind', () => {
    const copy = () => structuredClone(deployment) as unknown as { spec: Record<string, unknown> };
    const wrongType = copy();
    wrongType.spec.replicas = 'two';
    expect(() => validateObject(wrongType as never)).toThrow(/replicas must be integer/);
    const noSelector = copy();
    delete noSelector.spec.selector;
    expect(() => validateObject(noSelector as never)).toThrow(/selector/);
    expect(() => validateObject({ apiVersion: 'v1', kind: 'Podd' })).toThrow(/no Kubernetes model/);
  });

  it('names everything vendor-operations-subgraph and labels it app.kubernetes.io/name, with no namespace', () => {
    expect(kustomization.namespace).toBeUndefined();
    expect(kustomization.commonLabels, 'commonLabels would also rewrite the immutable selectors').toBeUndefined();
    expect(kustomization.labels?.some((entry) => entry.pairs['app.kubernetes.io/name'] === NAME)).toBe(true);
    for (const { file, object } of manifests) {
      expect(object.metadata?.labels?.['app.kubernetes.io/name'], file).toBe(NAME);
      expect((object.metadata as { namespace?: string }).namespace, file).toBeUndefined();
      if (object.kind !== 'ConfigMap') expect(object.metadata?.name, file).toBe(NAME);
    }
  });

  it("sets the container's image through kustomize `images:`, with a version tag", () => {
    const entry = kustomization.images?.find((candidate) => candidate.name === container.image?.replace(/[:@].*$/, ''));
    expect(entry, `an images: entry named ${container.image}`).toBeDefined();
    expect(entry!.newTag).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('holds no Secret and no secret value: secrets come from the Secret by reference', () => {
    expect(looksSecret('FEYIN_API_KEY') && looksSecret('DATABASE_URL') && !looksSecret('PORT')).toBe(true);
    expect(manifests.filter(({ object }) => object.kind === 'Secret')).toEqual([]);
    expect(kustomization.secretGenerator).toBeUndefined();
    const literals = (container.env ?? []).filter((entry) => entry.value !== undefined && looksSecret(entry.name));
    expect(literals.map((entry) => entry.name)).toEqual([]);
    expect(container.envFrom).toContainEqual({ secretRef: { name: NAME } });
  });
});

describe('secret.example.env', () => {
  it('has only placeholders, and only variables the service reads that the Deployment does not set', () => {
    expect(secretExample.size).toBeGreaterThan(0);
    for (const [name, value] of secretExample) {
      expect(value, name).toContain('change-me');
      expect(readByService(name), `${name} is read by the service`).toBe(true);
      // `env` wins over `envFrom`: the Secret's value would be ignored.
      expect(env.has(name), `${name} is also in the Deployment's env`).toBe(false);
    }
  });
});

describe('the Deployment keeps the promises of the code', () => {
  let running: ChildService | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'k8s-probes-'));
    running = await spawnService({ VENDOR_MODE: 'sandbox', DATA_DIR: dataDir });
  }, 60_000);

  afterAll(async () => {
    await running?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('probes and the ServiceMonitor use paths the service answers 200, on the container port', async () => {
    const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe];
    expect(probes.every((probe) => probe?.httpGet)).toBe(true);
    const monitor = only<IServiceMonitor>(manifests, 'ServiceMonitor');
    const paths = new Set([...probes.map((probe) => probe!.httpGet!.path!), ...monitor.spec.endpoints!.map((endpoint) => endpoint.path!)]);
    expect([...paths].toSorted()).toEqual(['/health', '/metrics', '/ready']);
    for (const path of paths) {
      const response = await fetch(`${running!.url}${path}`);
      await response.arrayBuffer();
      expect(response.status, path).toBe(200);
    }
    for (const probe of probes) expect(probe!.httpGet!.port).toBe('http');
    expect(container.ports).toContainEqual(expect.objectContaining({ name: 'http', containerPort: Number(envValue('PORT')) }));
  });

  it('sets only variables the service reads (names that loadConfig reads, or OTEL_*)', () => {
    expect(readByConfig.size).toBeGreaterThan(30);
    expect(readByService('PORT') && readByService('OTEL_EXPORTER_OTLP_ENDPOINT')).toBe(true);
    expect(readByService('VENDOR_OPS_INVENTED_SETTING')).toBe(false);
    const unknown = [...env.keys()].filter((name) => !readByService(name));
    expect(unknown).toEqual([]);
  });

  it("is a configuration the service accepts in the image's environment with the example Secret", () => {
    const folder = mkdtempSync(join(tmpdir(), 'k8s-config-'));
    try {
      const merchantsFile = join(folder, 'merchants.json');
      writeFileSync(merchantsFile, merchantsJson());
      const values = Object.fromEntries([...env].map(([name, entry]) => [name, entry.value ?? '']));
      const config = loadConfig({ ...image.env, ...Object.fromEntries(secretExample), ...values, MERCHANTS_FILE: merchantsFile });
      expect(config).toMatchObject({ production: true, vendorMode: 'live', port: 4001, host: '0.0.0.0', dataDir: '/data' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("runs the image's own command, with a memory limit that fits its heap flags", () => {
    if (container.command || container.args) expect([...(container.command ?? []), ...(container.args ?? [])]).toEqual(image.cmd);
    expect(image.cmd[0]).toBe('node');
    const megabytes = (flag: string): number => {
      const value = image.cmd.find((argument) => argument.startsWith(`--${flag}=`));
      if (!value) throw new Error(`the Dockerfile's CMD has no --${flag}`);
      return Number(value.split('=')[1]) * 2 ** 20;
    };
    const limits = container.resources!.limits!;
    const requests = container.resources!.requests!;
    expect(quantity(limits.memory!)).toBeGreaterThanOrEqual(2 * megabytes('max-old-space-size') + 3 * megabytes('max-semi-space-size'));
    for (const [resource, request] of Object.entries(requests)) {
      if (limits[resource] !== undefined) expect(quantity(request), resource).toBeLessThanOrEqual(quantity(limits[resource]!));
    }
    expect(quantity('512Mi')).toBe(536_870_912);
    expect(quantity('250m')).toBe(0.25);
  });

  it('runs hardened: non-root as the image user, read-only root, no privilege escalation, no capabilities', () => {
    const effective = { ...pod.securityContext, ...container.securityContext };
    expect(image.user).toBe('node');
    expect(effective).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(effective.capabilities?.drop).toContain('ALL');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('mounts an emptyDir on every folder the service writes (DATA_DIR, /tmp)', () => {
    for (const path of [envValue('DATA_DIR'), '/tmp']) {
      const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === path);
      expect(mount, path).toBeDefined();
      expect(mount!.readOnly, path).not.toBe(true);
      // A volume has exactly one source (the API server refuses more; the schema does not say so).
      const volume = pod.volumes?.find((candidate) => candidate.name === mount!.name);
      expect(Object.keys(volume ?? {}).toSorted(), path).toEqual(['emptyDir', 'name']);
    }
  });

  it('mounts the merchants ConfigMap as the folder of MERCHANTS_FILE (no subPath: updates reach the pod)', () => {
    const file = envValue('MERCHANTS_FILE');
    const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === posix.dirname(file));
    expect(mount, `a volume mounted at ${posix.dirname(file)}`).toBeDefined();
    expect(mount!.subPath).toBeUndefined();
    const source = pod.volumes?.find((candidate) => candidate.name === mount!.name);
    expect(Object.keys(source ?? {}).toSorted()).toEqual(['configMap', 'name']);
    const volume = source!.configMap;
    expect(volume?.name).toBe(configMap().metadata!.name);
    expect(volume!.items === undefined || volume!.items.some((item) => item.path === posix.basename(file))).toBe(true);
    // A generated ConfigMap's name carries a hash of its content: every change would roll the pods.
    expect(kustomization.configMapGenerator).toBeUndefined();
    const parsed = parseMerchantsFile(merchantsJson(), () => undefined, {
      feyinBaseUrl: 'https://feyin.example',
      apiusbBaseUrl: 'https://apiusb.example',
      lifepayBaseUrl: 'https://lifepay.example',
    });
    expect(parsed.problems).toEqual([]);
    expect(() => JSON.parse(merchantsJson())).not.toThrow();
  });

  it('keeps two replicas; the PDB, HPA, Service and ServiceMonitor find the Deployment and Service', () => {
    const labels = deployment.spec!.template.metadata!.labels;
    const hpa = only<IHorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler');
    const pdb = only<IPodDisruptionBudget>(manifests, 'PodDisruptionBudget');
    const monitor = only<IServiceMonitor>(manifests, 'ServiceMonitor');
    expect(deployment.spec!.replicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec!.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec!.maxReplicas).toBeGreaterThanOrEqual(hpa.spec!.minReplicas!);
    expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata!.name });
    expect(selects(deployment.spec!.selector.matchLabels, labels)).toBe(true);
    expect(selects(pdb.spec!.selector!.matchLabels, labels)).toBe(true);
    expect(selects(serviceManifest.spec!.selector, labels)).toBe(true);
    expect(selects(monitor.spec.selector.matchLabels, serviceManifest.metadata!.labels)).toBe(true);
    const servicePorts = serviceManifest.spec!.ports!;
    for (const endpoint of monitor.spec.endpoints!) expect(servicePorts.map((port) => port.name)).toContain(endpoint.port);
    for (const port of servicePorts) expect(container.ports!.map((candidate) => candidate.name)).toContain(port.targetPort);
    expect(servicePorts).toContainEqual(expect.objectContaining({ name: 'http', port: 4001 }));
    // A drain may take one pod at a time, never the last one.
    expect(pdb.spec!.maxUnavailable).toBe(1);
  });

  it('gives shutdown its time: terminationGracePeriodSeconds ≥ SHUTDOWN_DRAIN_MS + the 10 s exit bound', () => {
    const drainMs = Number(envValue('SHUTDOWN_DRAIN_MS'));
    expect(drainMs).toBeGreaterThanOrEqual(0);
    expect(drainMs).toBeLessThanOrEqual(8000);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(drainMs / 1000 + 10);
  });
});

function configMap(): IConfigMap {
  return only<IConfigMap>(manifests, 'ConfigMap');
}

/** The merchants file the ConfigMap mounts at MERCHANTS_FILE. */
function merchantsJson(): string {
  const text = configMap().data?.[basename(envValue('MERCHANTS_FILE'))];
  if (text === undefined) throw new Error(`the ConfigMap has no key ${basename(envValue('MERCHANTS_FILE'))}`);
  return text;
}
